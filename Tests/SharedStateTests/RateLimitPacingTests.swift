import Foundation
import SharedState
import TestSupport
import Testing

@Suite struct RateLimitPolicyTests {
    let policy = RateLimitPacing(paceBelowFraction: 0.2)
    let now = Date(timeIntervalSince1970: 100_000)

    private func budget(remaining: Int, resetIn: Double = 900, lastGrantedAgo: Double? = nil, rejected: Bool = false) -> RateLimitBudget {
        RateLimitBudget(
            account: "1", endpoint: "dm_events", limit: 300, remaining: remaining, resetAt: now.addingTimeInterval(resetIn),
            rejectedUntil: rejected ? now.addingTimeInterval(resetIn) : nil,
            lastGrantedAt: lastGrantedAgo.map { now.addingTimeInterval(-$0) }
        )
    }

    @Test func anUnknownEndpointMayGo() {
        #expect(policy.decide(nil, now: now).permission == .now)
    }

    @Test func plentyLeftGoesAndCountsTheCall() {
        let decision = policy.decide(budget(remaining: 200, lastGrantedAgo: 0), now: now)
        #expect(decision.permission == .now)
        #expect(decision.updated?.remaining == 199)
        #expect(decision.updated?.lastGrantedAt == now)
    }

    @Test func littleLeftIsSpreadOverTheTimeToReset() {
        // 60 = 20% of 300: pace. 900 s / 30 calls = one call every 30 s.
        let early = policy.decide(budget(remaining: 30, lastGrantedAgo: 10), now: now)
        #expect(early.permission == .after(now.addingTimeInterval(20)))
        #expect(early.updated == nil)
        let due = policy.decide(budget(remaining: 30, lastGrantedAgo: 30), now: now)
        #expect(due.permission == .now)
        #expect(due.updated?.remaining == 29)
    }

    @Test func nothingLeftWaitsForTheReset() {
        #expect(policy.decide(budget(remaining: 0), now: now).permission == .after(now.addingTimeInterval(900)))
    }

    @Test func after429NothingGoesBeforeTheReset() {
        #expect(policy.decide(budget(remaining: 100, rejected: true), now: now).permission == .after(now.addingTimeInterval(900)))
    }

    @Test func anEndedWindowGoesAgain() {
        let decision = policy.decide(budget(remaining: 0, resetIn: -1, rejected: true), now: now)
        #expect(decision.permission == .now)
        #expect(decision.updated?.rejectedUntil == nil)
    }

    @Test func mergingKeepsTheLowestRemainingOfAWindowAndIgnoresOlderWindows() {
        let current = budget(remaining: 50)
        let reset = now.addingTimeInterval(900)
        #expect(policy.merge(current, RateLimitObservation(limit: 300, remaining: 60, resetAt: reset), account: "1", endpoint: "dm_events").remaining == 50)
        #expect(policy.merge(current, RateLimitObservation(limit: 300, remaining: 40, resetAt: reset), account: "1", endpoint: "dm_events").remaining == 40)
        #expect(policy.merge(current, RateLimitObservation(limit: 300, remaining: 299, resetAt: reset.addingTimeInterval(-900)), account: "1", endpoint: "dm_events") == current)
        let next = policy.merge(current, RateLimitObservation(limit: 300, remaining: 299, resetAt: reset.addingTimeInterval(900)), account: "1", endpoint: "dm_events")
        #expect(next.remaining == 299)
        let limited = policy.merge(current, RateLimitObservation(limit: 300, remaining: 3, resetAt: reset, rejected: true), account: "1", endpoint: "dm_events")
        #expect(limited.remaining == 0)
        #expect(limited.rejectedUntil == reset)
    }
}

@Suite(.scratchDatabases) struct RateLimitBudgetTests {
    @Test(arguments: StateBackend.allCases) func budgetsAreSharedBetweenStoresAndCountGrantedCalls(backend: StateBackend) async throws {
        let fixture = try await StoreFixture(backend)
        let other = try await fixture.reopen()
        let reset = fixture.clock.now().addingTimeInterval(900)
        #expect(try await fixture.store.permission(account: "1", endpoint: "dm_events") == .now)
        try await fixture.store.recordRateLimit(account: "1", endpoint: "dm_events", RateLimitObservation(limit: 300, remaining: 2, resetAt: reset))
        #expect(try await other.permission(account: "1", endpoint: "dm_events") == .now)
        #expect(try await fixture.store.rateLimitBudget(account: "1", endpoint: "dm_events")?.remaining == 1)
        // One left over 900 s: the next call is paced, not refused.
        guard case .after(let when) = try await other.permission(account: "1", endpoint: "dm_events") else {
            Issue.record("the last call should be paced")
            return
        }
        #expect(when > fixture.clock.now() && when <= reset)
        #expect(try await fixture.store.permission(account: "1", endpoint: "dm_send") == .now)
    }

    @Test(arguments: StateBackend.allCases) func a429HoldsEveryStoreUntilTheReset(backend: StateBackend) async throws {
        let fixture = try await StoreFixture(backend)
        let reset = fixture.clock.now().addingTimeInterval(60)
        try await fixture.store.recordRateLimit(account: "1", endpoint: "dm_send", RateLimitObservation(limit: 200, remaining: 0, resetAt: reset, rejected: true))
        #expect(try await fixture.reopen().permission(account: "1", endpoint: "dm_send") == .after(reset))
        fixture.clock.advance(seconds: 60)
        #expect(try await fixture.store.permission(account: "1", endpoint: "dm_send") == .now)
    }
}
