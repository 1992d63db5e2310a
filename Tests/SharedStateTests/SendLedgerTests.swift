import Foundation
import SharedState
import TestSupport
import Testing

@Suite(.scratchDatabases) struct SendLedgerTests {
    @Test(arguments: StateBackend.allCases) func aCommandGoesPendingInFlightSentAndIsThenAnsweredAlreadySent(backend: StateBackend) async throws {
        let fixture = try await StoreFixture(backend)
        let store = fixture.store
        #expect(try await store.recordPending(account: "1", key: "cmd").state == .pending)
        #expect(try await store.recordPending(account: "1", key: "cmd").revision == 1)
        #expect(try await store.claimSend(account: "1", key: "cmd", owner: "a") == .claimed(attempt: 1))
        #expect(try await store.claimSend(account: "1", key: "cmd", owner: "b") == .inFlightElsewhere(owner: "a", since: fixture.clock.now()))
        let result = try await store.completeSend(account: "1", key: "cmd", owner: "a", dmEventId: "1582838593371127812", conversationId: "1-2")
        guard case .applied(let entry) = result else { Issue.record("expected applied, got \(result)"); return }
        #expect(entry.state == .sent(dmEventId: "1582838593371127812", conversationId: "1-2", at: fixture.clock.now()))
        #expect(try await store.sendEntry(account: "1", key: "cmd") == entry)
        #expect(
            try await store.claimSend(account: "1", key: "cmd", owner: "b")
                == .alreadySent(dmEventId: "1582838593371127812", conversationId: "1-2", at: fixture.clock.now()))
    }

    /// Dispatch records the media it uploaded for a command's attachment before it posts: the
    /// next claimer (this process's retry, or another after a crash) finds it and posts with it.
    @Test(arguments: StateBackend.allCases) func theUploadedMediaOutlivesAHandBackAndOnlyTheOwnerRecordsIt(backend: StateBackend) async throws {
        let fixture = try await StoreFixture(backend)
        let store = fixture.store
        _ = try await store.claimSend(account: "1", key: "cmd", owner: "a")
        let uploadedAt = fixture.clock.now()
        guard case .applied(let recorded) = try await store.recordSendMedia(account: "1", key: "cmd", owner: "a", mediaId: "1880028106020515840", uploadedAt: uploadedAt) else {
            Issue.record("the owner's media should be recorded")
            return
        }
        #expect(recorded.mediaId == "1880028106020515840")
        guard case .rejected = try await store.recordSendMedia(account: "1", key: "cmd", owner: "b", mediaId: "9", uploadedAt: uploadedAt) else {
            Issue.record("another owner's media must be rejected")
            return
        }
        _ = try await store.markSendPosting(account: "1", key: "cmd", owner: "a", outcomeUnknownSince: uploadedAt)
        _ = try await store.releaseSend(account: "1", key: "cmd", owner: "a", outcomeUnknownSince: uploadedAt)
        fixture.clock.advance(seconds: 5)
        _ = try await fixture.reopen().claimSend(account: "1", key: "cmd", owner: "b")
        let entry = try await store.sendEntry(account: "1", key: "cmd")
        #expect(entry?.mediaId == "1880028106020515840")
        #expect(entry?.mediaUploadedAt == uploadedAt)
        #expect(entry?.state == .inFlight(owner: "b", since: fixture.clock.now()))
        guard case .applied(let sent) = try await store.completeSend(account: "1", key: "cmd", owner: "b", dmEventId: "7", conversationId: nil) else {
            Issue.record("completion should apply")
            return
        }
        #expect(sent.mediaId == "1880028106020515840")
    }

    @Test(arguments: StateBackend.allCases) func aReleasedCommandIsClaimedAgainAsTheNextAttempt(backend: StateBackend) async throws {
        let fixture = try await StoreFixture(backend)
        let store = fixture.store
        _ = try await store.claimSend(account: "1", key: "cmd", owner: "a")
        guard case .applied = try await store.releaseSend(account: "1", key: "cmd", owner: "a", outcomeUnknownSince: nil) else {
            Issue.record("release should apply")
            return
        }
        #expect(try await store.claimSend(account: "1", key: "cmd", owner: "b") == .claimed(attempt: 2))
        guard case .applied(let failed) = try await store.failSend(account: "1", key: "cmd", owner: "b", reason: "403 forbidden") else {
            Issue.record("fail should apply")
            return
        }
        #expect(failed.attempts == 2)
        #expect(try await store.claimSend(account: "1", key: "cmd", owner: "c") == .alreadyFailed(reason: "403 forbidden", at: failed.updatedAt))
    }

    @Test(arguments: StateBackend.allCases) func aStaleClaimIsRecoveredAndTheSlowOwnerCanNoLongerFinishIt(backend: StateBackend) async throws {
        let fixture = try await StoreFixture(backend) { $0.staleClaimAfter = .seconds(60) }
        let claimedAt = fixture.clock.now()
        _ = try await fixture.store.claimSend(account: "1", key: "cmd", owner: "slow")
        fixture.clock.advance(seconds: 61)
        #expect(
            try await fixture.store.claimSend(account: "1", key: "cmd", owner: "next")
                == .reclaimed(previousOwner: "slow", claimedAt: claimedAt, attempt: 2))
        let late = try await fixture.store.completeSend(account: "1", key: "cmd", owner: "slow", dmEventId: "1", conversationId: nil)
        guard case .rejected(let current) = late else { Issue.record("the slow owner must be rejected, got \(late)"); return }
        #expect(current?.state == .inFlight(owner: "next", since: fixture.clock.now()))
    }

    @Test(arguments: StateBackend.allCases) func concurrentClaimersOfOneKeyHaveExactlyOneWinner(backend: StateBackend) async throws {
        let fixture = try await StoreFixture(backend)
        let stores = [fixture.store, try await fixture.reopen(), try await fixture.reopen(), try await fixture.reopen()]
        for round in 0..<50 {
            let claims = try await withThrowingTaskGroup(of: SendClaim.self) { group in
                for (index, store) in stores.enumerated() {
                    group.addTask { try await store.claimSend(account: "1", key: "cmd-\(round)", owner: "w\(index)") }
                }
                return try await group.reduce(into: [SendClaim]()) { $0.append($1) }
            }
            #expect(claims.filter(\.isOwned).count == 1, "round \(round): \(claims)")
        }
    }

    @Test(arguments: StateBackend.allCases) func finishedEntriesArePrunedAfterTheRetentionUnfinishedOnesKept(backend: StateBackend) async throws {
        let fixture = try await StoreFixture(backend) { $0.sendRetention = .seconds(3600) }
        let store = fixture.store
        _ = try await store.claimSend(account: "1", key: "sent", owner: "a")
        _ = try await store.completeSend(account: "1", key: "sent", owner: "a", dmEventId: "1", conversationId: nil)
        _ = try await store.claimSend(account: "1", key: "failed", owner: "a")
        _ = try await store.failSend(account: "1", key: "failed", owner: "a", reason: "x")
        _ = try await store.claimSend(account: "1", key: "inflight", owner: "a")
        try await store.recordPending(account: "1", key: "pending")
        fixture.clock.advance(seconds: 3599)
        #expect(try await store.pruneSends(account: "1") == 0)
        fixture.clock.advance(seconds: 2)
        #expect(try await store.pruneSends(account: "1") == 2)
        #expect(try await store.sendEntry(account: "1", key: "sent") == nil)
        #expect(try await store.sendEntry(account: "1", key: "inflight") != nil)
        #expect(try await store.sendEntry(account: "1", key: "pending") != nil)
    }
}
