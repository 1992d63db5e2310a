import Foundation
import SharedState
import Testing

/// Races between several stores on one PostgreSQL database (connection pools of their own, as
/// processes on several hosts would have): each operation's semantics are the conformance
/// suite's, run on both backends.
@Suite(.serialized) struct PostgresStoreTests {
    @Test func concurrentAcquirersOfAFreeLeaseOnThreeStoresHaveOneWinner() async throws {
        try await PostgresFixture.with { (fixture: PostgresFixture) async throws in
            let stores = [fixture.store, try await fixture.reopen(), try await fixture.reopen()]
            let winners = try await withThrowingTaskGroup(of: Lease?.self) { group in
                for index in 0..<12 {
                    group.addTask { try await stores[index % 3].acquireLease(account: "1", name: "ingest", owner: "o\(index)", ttl: .seconds(10)) }
                }
                return try await group.reduce(into: [Lease]()) { if let lease = $1 { $0.append(lease) } }
            }
            #expect(winners.count == 1)
            for store in stores.dropFirst() { await store.close() }
        }
    }

    @Test func theSendLedgerGoesPendingInFlightSentAndConcurrentClaimersHaveOneWinner() async throws {
        try await PostgresFixture.with(options: { $0.staleClaimAfter = .seconds(60) }) { (fixture: PostgresFixture) async throws in
            let store = fixture.store
            #expect(try await store.recordPending(account: "1", key: "cmd").state == .pending)
            #expect(try await store.recordPending(account: "1", key: "cmd").revision == 1)
            #expect(try await store.claimSend(account: "1", key: "cmd", owner: "a") == .claimed(attempt: 1))
            #expect(try await store.claimSend(account: "1", key: "cmd", owner: "b") == .inFlightElsewhere(owner: "a", since: fixture.clock.now()))
            let posting = try await store.markSendPosting(account: "1", key: "cmd", owner: "a", outcomeUnknownSince: fixture.clock.now())
            guard case .applied = posting else { Issue.record("posting applies: \(posting)"); return }
            let result = try await store.completeSend(account: "1", key: "cmd", owner: "a", dmEventId: "1582838593371127812", conversationId: "1-2")
            guard case .applied(let entry) = result else { Issue.record("expected applied, got \(result)"); return }
            #expect(entry.state == .sent(dmEventId: "1582838593371127812", conversationId: "1-2", at: fixture.clock.now()))
            #expect(try await store.sendEntry(account: "1", key: "cmd") == entry)
            #expect(
                try await store.claimSend(account: "1", key: "cmd", owner: "b")
                    == .alreadySent(dmEventId: "1582838593371127812", conversationId: "1-2", at: fixture.clock.now()))
            guard case .applied(let reported) = try await store.markSendReported(account: "1", key: "cmd") else { Issue.record("reported applies"); return }
            #expect(reported.reportedAt == fixture.clock.now())

            // A stale claim is taken over, and the slow owner can no longer finish it.
            _ = try await store.claimSend(account: "1", key: "slow", owner: "a")
            fixture.clock.advance(seconds: 61)
            #expect(
                try await store.claimSend(account: "1", key: "slow", owner: "b")
                    == .reclaimed(previousOwner: "a", claimedAt: fixture.clock.now().addingTimeInterval(-61), attempt: 2))
            guard case .rejected = try await store.completeSend(account: "1", key: "slow", owner: "a", dmEventId: "9", conversationId: nil) else {
                Issue.record("the slow owner is rejected")
                return
            }

            let stores = [store, try await fixture.reopen(), try await fixture.reopen()]
            let claims = try await withThrowingTaskGroup(of: SendClaim.self) { group in
                for index in 0..<12 {
                    group.addTask { try await stores[index % 3].claimSend(account: "1", key: "race", owner: "o\(index)") }
                }
                return try await group.reduce(into: [SendClaim]()) { $0.append($1) }
            }
            #expect(claims.filter(\.isOwned).count == 1)
            for other in stores.dropFirst() { await other.close() }

            // Deliveries counted and settled.
            #expect(try await store.beginDelivery(account: "1", commandId: "c") == 1)
            #expect(try await store.beginDelivery(account: "1", commandId: "c") == 2)
            try await store.settleDelivery(account: "1", commandId: "c", finished: false)
            #expect(try await store.unsettledDeliveries(account: "1", commandId: "c") == 1)
            try await store.settleDelivery(account: "1", commandId: "c", finished: true)
            #expect(try await store.unsettledDeliveries(account: "1", commandId: "c") == 0)

            // Retention: sent and failed entries older than it go, in-flight ones stay.
            fixture.clock.advance(seconds: 31 * 24 * 3600)
            #expect(try await store.pruneSends(account: "1") == 1)
            #expect(try await store.sendEntry(account: "1", key: "cmd") == nil)
            #expect(try await store.sendEntry(account: "1", key: "race") != nil)
        }
    }

}
