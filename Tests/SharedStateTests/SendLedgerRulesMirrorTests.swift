import Foundation
import SharedState
import TestSupport
import Testing

/// Every send-ledger transition from every kind of entry, through a store, answers and stores
/// what `SendLedgerRules` decides on the entry read just before it at the clock's time.
///
/// Both backends run the rules on a read and write with a compare-and-set today; a backend that
/// decides a transition elsewhere (in SQL, in one statement, to save round trips) must pass this
/// unchanged: every guard (state, owner, the same DM or reason again, a claim exactly as old as
/// `staleClaimAfter`, a report already recorded) is crossed from each side.
@Suite(.scratchDatabases) struct SendLedgerRulesMirrorTests {
    static let staleAfter = Duration.seconds(60)

    /// How the entry under test is made (the clock is at the time of the transition after it).
    struct Setup: Sendable {
        var name: String
        var make: @Sendable (any StateStore, TestClock, String) async throws -> Void
    }

    /// A transition asked by a caller, and what the rules decide for it.
    struct Transition: Sendable {
        var name: String
        var run: @Sendable (any StateStore, String) async throws -> Answer
        var decide: @Sendable (SendEntry?, String, Date) -> (answer: Answer, write: SendEntry?)
    }

    enum Answer: Sendable, Equatable {
        case entry(SendEntry)
        case claim(SendClaim)
        case result(SendTransitionResult)
    }

    static let setups: [Setup] = [
        Setup(name: "absent") { _, _, _ in },
        Setup(name: "pending") { store, _, key in try await store.recordPending(account: "1", key: key) },
        Setup(name: "pendingUnknown") { store, clock, key in
            _ = try await store.claimSend(account: "1", key: key, owner: "a")
            clock.advance(seconds: 1)
            _ = try await store.markSendPosting(account: "1", key: key, owner: "a", outcomeUnknownSince: clock.now())
            _ = try await store.releaseSend(account: "1", key: key, owner: "a", outcomeUnknownSince: clock.now())
            clock.advance(seconds: 1)
        },
        Setup(name: "inFlightMine") { store, clock, key in
            _ = try await store.claimSend(account: "1", key: key, owner: "a")
            clock.advance(seconds: 1)
        },
        Setup(name: "inFlightOther") { store, clock, key in
            _ = try await store.claimSend(account: "1", key: key, owner: "b")
            clock.advance(seconds: 1)
        },
        Setup(name: "inFlightMinePosting") { store, clock, key in
            _ = try await store.claimSend(account: "1", key: key, owner: "a")
            _ = try await store.markSendPosting(account: "1", key: key, owner: "a", outcomeUnknownSince: clock.now())
            clock.advance(seconds: 1)
        },
        Setup(name: "inFlightOtherJustFresh") { store, clock, key in
            _ = try await store.claimSend(account: "1", key: key, owner: "b")
            clock.advance(seconds: 59)
        },
        Setup(name: "inFlightOtherExactlyStale") { store, clock, key in
            _ = try await store.claimSend(account: "1", key: key, owner: "b")
            clock.advance(seconds: 60)
        },
        Setup(name: "inFlightOtherStaleAfterAnUnknownPost") { store, clock, key in
            _ = try await store.claimSend(account: "1", key: key, owner: "b")
            _ = try await store.markSendPosting(account: "1", key: key, owner: "b", outcomeUnknownSince: clock.now())
            _ = try await store.releaseSend(account: "1", key: key, owner: "b", outcomeUnknownSince: clock.now())
            clock.advance(seconds: 5)
            _ = try await store.claimSend(account: "1", key: key, owner: "b")
            clock.advance(seconds: 61)
        },
        Setup(name: "inFlightMineWithMedia") { store, clock, key in
            _ = try await store.claimSend(account: "1", key: key, owner: "a")
            _ = try await store.recordSendMedia(account: "1", key: key, owner: "a", mediaId: "m1", uploadedAt: clock.now())
            clock.advance(seconds: 1)
        },
        Setup(name: "sent") { store, clock, key in
            _ = try await store.claimSend(account: "1", key: key, owner: "a")
            _ = try await store.completeSend(account: "1", key: key, owner: "a", dmEventId: "d1", conversationId: "1-2")
            clock.advance(seconds: 1)
        },
        Setup(name: "sentReported") { store, clock, key in
            _ = try await store.claimSend(account: "1", key: key, owner: "a")
            _ = try await store.completeSend(account: "1", key: key, owner: "a", dmEventId: "d1", conversationId: nil)
            clock.advance(seconds: 1)
            _ = try await store.markSendReported(account: "1", key: key)
            clock.advance(seconds: 1)
        },
        Setup(name: "failed") { store, clock, key in
            _ = try await store.claimSend(account: "1", key: key, owner: "a")
            _ = try await store.failSend(account: "1", key: key, owner: "a", reason: "r1")
            clock.advance(seconds: 1)
        },
    ]

    static let transitions: [Transition] = {
        func finishing(
            _ name: String, _ run: @escaping @Sendable (any StateStore, String) async throws -> SendTransitionResult,
            _ rule: @escaping @Sendable (SendEntry?, Date) -> SendLedgerRules.Decision
        ) -> Transition {
            Transition(name: name, run: { .result(try await run($0, $1)) }) { current, _, now in
                switch rule(current, now) {
                case .unchanged(let result): (.result(result), nil)
                case .write(let entry): (.result(.applied(entry)), entry)
                }
            }
        }
        func claim(_ owner: String) -> Transition {
            Transition(name: "claim-\(owner)", run: { .claim(try await $0.claimSend(account: "1", key: $1, owner: owner)) }) { current, key, now in
                let decision = SendLedgerRules.claim(current, account: "1", key: key, owner: owner, now: now, staleAfter: staleAfter)
                return (.claim(decision.claim), decision.write)
            }
        }
        let unknown = Date(timeIntervalSince1970: 1_699_999_000)
        return [
            Transition(name: "pending", run: { .entry(try await $0.recordPending(account: "1", key: $1)) }) { current, key, now in
                let write = SendLedgerRules.pending(current, account: "1", key: key, now: now)
                return (
                    .entry(
                        write ?? current
                            ?? SendEntry(
                                account: "", key: "", state: .pending, attempts: -1, revision: -1,
                                createdAt: now, updatedAt: now)), write
                )
            },
            claim("a"), claim("c"),
            finishing("posting-a", { try await $0.markSendPosting(account: "1", key: $1, owner: "a", outcomeUnknownSince: unknown) }) {
                SendLedgerRules.posting($0, owner: "a", outcomeUnknownSince: unknown, now: $1)
            },
            finishing("media-a-m1", { try await $0.recordSendMedia(account: "1", key: $1, owner: "a", mediaId: "m1", uploadedAt: unknown) }) {
                SendLedgerRules.media($0, owner: "a", mediaId: "m1", uploadedAt: unknown, now: $1)
            },
            finishing("media-a-m2", { try await $0.recordSendMedia(account: "1", key: $1, owner: "a", mediaId: "m2", uploadedAt: unknown) }) {
                SendLedgerRules.media($0, owner: "a", mediaId: "m2", uploadedAt: unknown, now: $1)
            },
            finishing("media-c-m1", { try await $0.recordSendMedia(account: "1", key: $1, owner: "c", mediaId: "m1", uploadedAt: unknown) }) {
                SendLedgerRules.media($0, owner: "c", mediaId: "m1", uploadedAt: unknown, now: $1)
            },
            finishing("reported", { try await $0.markSendReported(account: "1", key: $1) }) { SendLedgerRules.reported($0, now: $1) },
            finishing("complete-a-d1", { try await $0.completeSend(account: "1", key: $1, owner: "a", dmEventId: "d1", conversationId: "1-2") }) {
                SendLedgerRules.complete($0, owner: "a", dmEventId: "d1", conversationId: "1-2", now: $1)
            },
            finishing("complete-a-d2", { try await $0.completeSend(account: "1", key: $1, owner: "a", dmEventId: "d2", conversationId: nil) }) {
                SendLedgerRules.complete($0, owner: "a", dmEventId: "d2", conversationId: nil, now: $1)
            },
            finishing("complete-c-d1", { try await $0.completeSend(account: "1", key: $1, owner: "c", dmEventId: "d1", conversationId: nil) }) {
                SendLedgerRules.complete($0, owner: "c", dmEventId: "d1", conversationId: nil, now: $1)
            },
            finishing("fail-a-r1", { try await $0.failSend(account: "1", key: $1, owner: "a", reason: "r1") }) {
                SendLedgerRules.fail($0, owner: "a", reason: "r1", now: $1)
            },
            finishing("fail-a-r2", { try await $0.failSend(account: "1", key: $1, owner: "a", reason: "r2") }) {
                SendLedgerRules.fail($0, owner: "a", reason: "r2", now: $1)
            },
            finishing("fail-c-r1", { try await $0.failSend(account: "1", key: $1, owner: "c", reason: "r1") }) {
                SendLedgerRules.fail($0, owner: "c", reason: "r1", now: $1)
            },
            finishing("release-a", { try await $0.releaseSend(account: "1", key: $1, owner: "a", outcomeUnknownSince: nil) }) {
                SendLedgerRules.release($0, owner: "a", outcomeUnknownSince: nil, now: $1)
            },
            finishing("release-a-unknown", { try await $0.releaseSend(account: "1", key: $1, owner: "a", outcomeUnknownSince: unknown) }) {
                SendLedgerRules.release($0, owner: "a", outcomeUnknownSince: unknown, now: $1)
            },
            finishing("release-c", { try await $0.releaseSend(account: "1", key: $1, owner: "c", outcomeUnknownSince: nil) }) {
                SendLedgerRules.release($0, owner: "c", outcomeUnknownSince: nil, now: $1)
            },
        ]
    }()

    @Test(arguments: StateBackend.allCases) func everyTransitionFromEveryKindOfEntryIsWhatTheRulesDecide(backend: StateBackend) async throws {
        let fixture = try await StoreFixture(backend) { $0.staleClaimAfter = Self.staleAfter }
        let store = fixture.store
        var checked = 0
        for setup in Self.setups {
            for transition in Self.transitions {
                let key = "\(setup.name)/\(transition.name)"
                try await setup.make(store, fixture.clock, key)
                let before = try await store.sendEntry(account: "1", key: key)
                let expected = transition.decide(before, key, fixture.clock.now())
                let answer = try await transition.run(store, key)
                #expect(answer == expected.answer, "\(key): answered \(answer), the rules decide \(expected.answer)")
                let stored = try await store.sendEntry(account: "1", key: key)
                #expect(stored == (expected.write ?? before), "\(key): stored \(String(describing: stored))")
                checked += 1
            }
        }
        #expect(checked == Self.setups.count * Self.transitions.count)
    }
}
