import Foundation
import SharedState
import Testing

@Suite struct SendLedgerRulesTests {
    let now = Date(timeIntervalSince1970: 10_000)
    let stale = Duration.seconds(300)

    private func entry(_ state: SendState, attempts: Int = 1, revision: Int64 = 3) -> SendEntry {
        SendEntry(account: "1", key: "k", state: state, attempts: attempts, revision: revision, createdAt: now, updatedAt: now)
    }

    private func claim(_ current: SendEntry?, owner: String = "me", at time: Date? = nil) -> SendLedgerRules.ClaimDecision {
        SendLedgerRules.claim(current, account: "1", key: "k", owner: owner, now: time ?? now, staleAfter: stale)
    }

    @Test func anUnknownCommandIsClaimedAsAttemptOne() {
        let decision = claim(nil)
        #expect(decision.claim == .claimed(attempt: 1))
        #expect(decision.write?.state == .inFlight(owner: "me", since: now))
        #expect(decision.write?.revision == 1)
    }

    @Test func aPendingCommandIsClaimedWithTheNextAttemptAndRevision() {
        let decision = claim(entry(.pending, attempts: 2, revision: 5))
        #expect(decision.claim == .claimed(attempt: 3))
        #expect(decision.write?.revision == 6)
    }

    @Test func aFreshClaimOfAnotherWorkerIsRespectedEvenByTheSameOwner() {
        let since = now.addingTimeInterval(-299)
        #expect(claim(entry(.inFlight(owner: "other", since: since))) == .init(claim: .inFlightElsewhere(owner: "other", since: since), write: nil))
        #expect(claim(entry(.inFlight(owner: "me", since: since))).write == nil)
    }

    @Test func aStaleClaimIsTakenOverAndTheOutcomeReportedUnknown() {
        let since = now.addingTimeInterval(-300)
        let decision = claim(entry(.inFlight(owner: "dead", since: since), attempts: 1, revision: 2))
        #expect(decision.claim == .reclaimed(previousOwner: "dead", claimedAt: since, attempt: 2))
        #expect(decision.write?.state == .inFlight(owner: "me", since: now))
        #expect(decision.write?.revision == 3)
    }

    @Test func finishedCommandsAreNeverClaimedAgain() {
        let sent = claim(entry(.sent(dmEventId: "55", conversationId: "c", at: now)))
        #expect(sent == .init(claim: .alreadySent(dmEventId: "55", conversationId: "c", at: now), write: nil))
        let failed = claim(entry(.failed(reason: "403", at: now)))
        #expect(failed == .init(claim: .alreadyFailed(reason: "403", at: now), write: nil))
    }

    @Test func onlyTheOwnerOfAnInFlightCommandFinishesIt() {
        let inFlight = entry(.inFlight(owner: "me", since: now))
        guard case .write(let sent) = SendLedgerRules.complete(inFlight, owner: "me", dmEventId: "9", conversationId: nil, now: now) else {
            Issue.record("the owner's completion should write")
            return
        }
        #expect(sent.state == .sent(dmEventId: "9", conversationId: nil, at: now))
        #expect(sent.revision == inFlight.revision + 1)
        #expect(SendLedgerRules.complete(inFlight, owner: "other", dmEventId: "9", conversationId: nil, now: now) == .unchanged(.rejected(current: inFlight)))
        #expect(SendLedgerRules.fail(entry(.pending), owner: "me", reason: "x", now: now) == .unchanged(.rejected(current: entry(.pending))))
        #expect(SendLedgerRules.release(nil, owner: "me", outcomeUnknownSince: nil, now: now) == .unchanged(.rejected(current: nil)))
        guard case .write(let released) = SendLedgerRules.release(inFlight, owner: "me", outcomeUnknownSince: nil, now: now) else {
            Issue.record("the owner's release should write")
            return
        }
        #expect(released.state == .pending)
    }

    @Test func repeatingTheSameCompletionIsIdempotent() {
        let sent = entry(.sent(dmEventId: "9", conversationId: nil, at: now))
        #expect(SendLedgerRules.complete(sent, owner: "anyone", dmEventId: "9", conversationId: nil, now: now) == .unchanged(.applied(sent)))
        #expect(SendLedgerRules.complete(sent, owner: "anyone", dmEventId: "10", conversationId: nil, now: now) == .unchanged(.rejected(current: sent)))
    }

    @Test func anUnknownOutcomeMarkedBeforeThePostOutlivesTheHandBackAndReachesTheNextClaimer() {
        let posting = entry(.inFlight(owner: "me", since: now))
        let startedAt = now.addingTimeInterval(1)
        guard case .write(let marked) = SendLedgerRules.posting(posting, owner: "me", outcomeUnknownSince: startedAt, now: startedAt) else {
            Issue.record("the owner's mark should write")
            return
        }
        #expect(marked.unverifiedSince == startedAt)
        #expect(
            SendLedgerRules.posting(posting, owner: "other", outcomeUnknownSince: startedAt, now: startedAt)
                == .unchanged(.rejected(current: posting)))
        guard case .write(let released) = SendLedgerRules.release(marked, owner: "me", outcomeUnknownSince: startedAt, now: startedAt) else {
            Issue.record("the owner's release should write")
            return
        }
        // Whoever claims next, in whatever process, is told to look in the conversation first.
        let next = claim(released, owner: "another process", at: startedAt.addingTimeInterval(5))
        #expect(next.claim == .resumed(attempt: 2, outcomeUnknownSince: startedAt))
        #expect(next.write?.unverifiedSince == startedAt)
        // Dead while posting: the stale claim's taker looks from the earlier unknown outcome.
        var earlier = marked
        earlier.unverifiedSince = now.addingTimeInterval(-60)
        #expect(
            claim(earlier, owner: "next", at: now.addingTimeInterval(301)).claim
                == .reclaimed(previousOwner: "me", claimedAt: now.addingTimeInterval(-60), attempt: 2))
    }

    @Test func aPostRuledOutOrRecordedClearsTheUnknownOutcome() {
        var posting = entry(.inFlight(owner: "me", since: now))
        posting.unverifiedSince = now
        guard case .write(let released) = SendLedgerRules.release(posting, owner: "me", outcomeUnknownSince: nil, now: now),
            case .write(let sent) = SendLedgerRules.complete(posting, owner: "me", dmEventId: "9", conversationId: nil, now: now)
        else {
            Issue.record("the owner's transitions should write")
            return
        }
        #expect(released.unverifiedSince == nil)
        #expect(claim(released).claim == .claimed(attempt: 2))
        #expect(sent.unverifiedSince == nil)
    }

    @Test func aSentReportIsMarkedOnceAndOnlyOnASentEntry() {
        let sent = entry(.sent(dmEventId: "9", conversationId: nil, at: now))
        guard case .write(let reported) = SendLedgerRules.reported(sent, now: now) else {
            Issue.record("a sent entry should be marked reported")
            return
        }
        #expect(reported.reportedAt == now)
        #expect(SendLedgerRules.reported(reported, now: now.addingTimeInterval(1)) == .unchanged(.applied(reported)))
        #expect(SendLedgerRules.reported(entry(.pending), now: now) == .unchanged(.rejected(current: entry(.pending))))
    }
}
