import AMQP
import Foundation
import SharedState
import Testing
import XAPI

@testable import KiamoTwitter

/// The dispatcher's path through the send ledger for each outcome, over a real SQLite state file,
/// a fake X and a fake publisher.
@Suite struct DispatchStateMachineTests {
    let command = #"{"to": {"id": "42", "name": "Jane@jane"}, "content": "Hello Jane"}"#

    private func entry(_ rig: DispatchRig, _ key: String = "cmd-1") async throws -> SendState? {
        try await rig.state.sendEntry(account: DispatchRig.account, key: key)?.state
    }

    @Test func aCommandIsPostedRecordedReportedThenAcknowledged() async throws {
        let rig = try await DispatchRig()
        #expect(await rig.handle(DispatchRig.inbound(command)) == .ack)
        #expect(rig.client.posts.map(\.text) == ["Hello Jane"])
        let dm = rig.client.posts[0].dmEventId
        #expect(try await entry(rig) == .sent(dmEventId: dm, conversationId: "42-1234", at: rig.clock.now()))
        let reports = try rig.publisher.reports()
        #expect(reports.count == 1)
        #expect(reports.first?.status == .sent)
        #expect(reports.first?.dmEventId == dm)
        #expect(reports.first?.commandId == "cmd-1")
        #expect(reports.first?.attempts == 1)
        #expect(rig.publisher.messages.first?.routingKey == "report.1234.sent")
    }

    @Test func aRedeliveredSentAndReportedCommandIsAcknowledgedWithoutASecondDMOrReport() async throws {
        let rig = try await DispatchRig()
        _ = await rig.handle(DispatchRig.inbound(command))
        #expect(await rig.handle(DispatchRig.inbound(command)) == .ack)
        #expect(rig.client.posts.count == 1)
        let reports = try rig.publisher.reports()
        #expect(reports.map(\.dmEventId) == [rig.client.posts[0].dmEventId])
        #expect(try await rig.state.sendEntry(account: DispatchRig.account, key: "cmd-1")?.reportedAt != nil)
    }

    @Test func anInvalidCommandIsDeadLetteredWithAFailedReportAndNoLedgerEntry() async throws {
        let rig = try await DispatchRig()
        #expect(await rig.handle(DispatchRig.inbound(#"{"to": {"id": "42"}, "content": ""}"#, messageId: "bad-1")) == .ack)
        #expect(rig.client.posts.isEmpty)
        #expect(rig.deadLetters.count == 1)
        #expect(rig.deadLetters.first?.properties.headers["x-kiamo-error-code"] == "empty_content")
        let report = try #require(try rig.publisher.reports().first)
        #expect(report.status == .failed)
        #expect(report.commandId == "bad-1")
        #expect(report.error?.code == "empty_content")
        #expect(try await entry(rig, "bad-1") == nil)
    }

    @Test func aRetryHeaderOfTheWrongTypeIsDeadLettered() async throws {
        let rig = try await DispatchRig()
        #expect(await rig.handle(DispatchRig.inbound(command, headers: ["x-kiamo-attempt": "two"])) == .ack)
        #expect(rig.client.posts.isEmpty)
        #expect(rig.deadLetters.first?.properties.headers["x-kiamo-error-code"] == "invalid_header")
    }

    @Test func aServerErrorSendsACopyToTheRetryTierAndHandsTheClaimBack() async throws {
        let rig = try await DispatchRig()
        rig.client.fail(.transient(operation: .sendDM, cause: .httpStatus(503), rateLimit: nil))
        #expect(await rig.handle(DispatchRig.inbound(command)) == .ack)
        #expect(rig.client.posts.isEmpty)
        let copy = try #require(rig.retries.first)
        #expect(copy.properties.headers["x-retry-tier"] == "1s")
        #expect(copy.properties.headers["x-kiamo-attempt"]?.intValue == 2)
        #expect(copy.properties.headers["x-kiamo-unverified-since"] == nil)
        #expect(try await entry(rig) == .pending)
        #expect(try rig.publisher.reports().isEmpty)

        // The copy comes back and goes through.
        #expect(await rig.handle(DispatchRig.redelivery(of: copy)) == .ack)
        #expect(rig.client.posts.count == 1)
        #expect(try rig.publisher.reports().first?.attempts == 2)
    }

    @Test func transientFailuresPastTheMaximumAreDeadLetteredAsRetriesExhausted() async throws {
        let rig = try await DispatchRig(maxAttempts: 2)
        let unavailable = XAPIError.transient(operation: .sendDM, cause: .httpStatus(500), rateLimit: nil)
        rig.client.fail(unavailable, unavailable)
        _ = await rig.handle(DispatchRig.inbound(command))
        let copy = try #require(rig.retries.first)
        #expect(await rig.handle(DispatchRig.redelivery(of: copy)) == .ack)
        #expect(rig.retries.count == 1)
        let letter = try #require(rig.deadLetters.first)
        #expect(letter.properties.headers["x-kiamo-error-code"] == "retries_exhausted")
        #expect(letter.properties.headers["x-kiamo-attempts"]?.intValue == 2)
        #expect(try rig.publisher.reports().first?.status == .failed)
        guard case .failed = try await entry(rig) else {
            Issue.record("the ledger does not say failed")
            return
        }
    }

    @Test func aRefusalIsDeadLetteredWithXsDetailAndARedeliveryIsNotPosted() async throws {
        let rig = try await DispatchRig()
        let problem = XProblem(title: "Forbidden", detail: "You are not permitted to send messages to this user.")
        rig.client.fail(.rejected(operation: .sendDM, httpStatus: 403, problem: problem, rateLimit: nil))
        #expect(await rig.handle(DispatchRig.inbound(command)) == .ack)
        let report = try #require(try rig.publisher.reports().first)
        #expect(report.status == .failed)
        #expect(report.error?.code == "x_rejected")
        #expect(report.error?.httpStatus == 403)
        #expect(report.error?.message.contains("not permitted to send messages") == true)

        // Redelivered (say the ack was lost): dead-lettered and reported again, still no DM.
        #expect(await rig.handle(DispatchRig.inbound(command)) == .ack)
        #expect(rig.client.posts.isEmpty)
        #expect(rig.deadLetters.count == 2)
        #expect(rig.deadLetters.last?.properties.headers["x-kiamo-error-code"] == "x_rejected")
    }

    @Test func aRateLimitParksTheCommandUntilTheResetAndHoldsTheAccountsNextSends() async throws {
        let rig = try await DispatchRig()
        let reset = rig.clock.now().addingTimeInterval(45)
        // The metered client records the 429's reset in the shared budget.
        rig.client.fail(.rateLimited(operation: .sendDM, resetAt: reset, rateLimit: nil))
        #expect(await rig.handle(DispatchRig.inbound(command)) == .ack)
        let copy = try #require(rig.retries.first)
        #expect(copy.properties.headers["x-retry-tier"] == "1m")
        #expect(copy.properties.headers["x-kiamo-attempt"]?.intValue == 1) // a rate limit does not count as an attempt
        #expect(rig.client.posts.isEmpty)
        #expect(try await entry(rig) == .pending)

        // While the shared budget says wait, the next command is parked without calling X.
        #expect(await rig.handle(DispatchRig.inbound(#"{"to": {"id": "43"}, "content": "Next"}"#, messageId: "cmd-2")) == .ack)
        #expect(rig.client.sendCalls == 1)
        #expect(rig.retries.count == 2)
        #expect(rig.retries.last?.properties.headers["x-retry-tier"] == "1m")

        // After the reset it goes.
        rig.clock.advance(seconds: 46)
        #expect(await rig.handle(DispatchRig.redelivery(of: copy)) == .ack)
        #expect(rig.client.posts.map(\.text) == ["Hello Jane"])
    }

    @Test func aLostAnswerIsVerifiedOnTheRetryAndNotPostedTwice() async throws {
        let rig = try await DispatchRig()
        rig.client.loseAnswer(.transient(operation: .sendDM, cause: .network("operation timed out"), rateLimit: nil))
        #expect(await rig.handle(DispatchRig.inbound(command)) == .ack)
        #expect(rig.client.posts.count == 1) // X got it; the worker never heard
        let copy = try #require(rig.retries.first)
        #expect(copy.properties.headers["x-kiamo-unverified-since"] != nil)
        #expect(copy.properties.headers["x-retry-tier"] == "10s") // at least the request timeout (5 s here)

        rig.clock.advance(seconds: 10)
        #expect(await rig.handle(DispatchRig.redelivery(of: copy)) == .ack)
        #expect(rig.client.posts.count == 1)
        #expect(rig.client.conversationReads == 1)
        #expect(try await entry(rig) == .sent(dmEventId: rig.client.posts[0].dmEventId, conversationId: "42-1234", at: rig.clock.now()))
        #expect(try rig.publisher.reports().map(\.dmEventId) == [rig.client.posts[0].dmEventId])
    }

    /// A reply of media alone whose post's answer was lost, verified only after its upload aged
    /// past the day X keeps it (the copy waited that long: a broker or X outage): the look in the
    /// conversation still knows the DM by the media it was posted with, so it is not posted again.
    @Test func aLostAnswerOfAReplyOfMediaAloneIsRecognisedByItsMediaEvenAfterADay() async throws {
        let rig = try await DispatchRig()
        let photoOnly = #"{"to": {"id": "42"}, "attachments": [{"path": "receipt.png"}]}"#
        rig.client.loseAnswer(.transient(operation: .sendDM, cause: .network("operation timed out"), rateLimit: nil))
        #expect(await rig.handle(DispatchRig.inbound(photoOnly)) == .ack)
        #expect(rig.client.posts.count == 1) // X got it; the worker never heard
        #expect(rig.client.posts.first?.mediaIds.count == 1)
        #expect(rig.client.uploads == 1)
        let copy = try #require(rig.retries.first)

        rig.clock.advance(seconds: 25 * 3600)
        #expect(await rig.handle(DispatchRig.redelivery(of: copy)) == .ack)
        #expect(rig.client.posts.count == 1, "found by its media: not posted again")
        #expect(rig.client.uploads == 1)
        #expect(try await entry(rig) == .sent(dmEventId: rig.client.posts[0].dmEventId, conversationId: "42-1234", at: rig.clock.now()))
    }

    @Test func aLostRequestIsVerifiedThenPostedOnce() async throws {
        let rig = try await DispatchRig()
        rig.client.fail(.transient(operation: .sendDM, cause: .network("connection reset"), rateLimit: nil))
        _ = await rig.handle(DispatchRig.inbound(command))
        let copy = try #require(rig.retries.first)
        rig.clock.advance(seconds: 10) // the copy's tier
        #expect(await rig.handle(DispatchRig.redelivery(of: copy)) == .ack)
        #expect(rig.client.conversationReads == 1)
        #expect(rig.client.posts.count == 1)
    }

    @Test func theOriginalDeliveryOfACommandWhosePostTimedOutIsVerifiedNotPostedAgain() async throws {
        // The retry copy went out and the claim was handed back, but the ack of the original was
        // lost (a broker reconnect): the original comes again without the copy's headers.
        let rig = try await DispatchRig()
        rig.client.loseAnswer(.transient(operation: .sendDM, cause: .network("operation timed out"), rateLimit: nil))
        #expect(await rig.handle(DispatchRig.inbound(command)) == .ack)
        #expect(rig.retries.count == 1)
        #expect(try await rig.state.sendEntry(account: DispatchRig.account, key: "cmd-1")?.unverifiedSince != nil)

        // At once: X may still be storing the DM, so the original is parked, not posted.
        #expect(await rig.handle(DispatchRig.inbound(command)) == .ack)
        #expect(rig.client.posts.count == 1)
        #expect(rig.client.conversationReads == 0)
        let parked = try #require(rig.retries.last)
        #expect(rig.retries.count == 2)
        #expect(parked.properties.headers["x-kiamo-unverified-since"] != nil)

        // Once X had time to finish: found in the conversation, recorded, reported once.
        rig.clock.advance(seconds: 10)
        #expect(await rig.handle(DispatchRig.inbound(command)) == .ack)
        #expect(rig.client.posts.count == 1)
        #expect(rig.client.conversationReads == 1)
        #expect(await rig.handle(DispatchRig.redelivery(of: rig.retries[0])) == .ack)
        #expect(await rig.handle(DispatchRig.redelivery(of: parked)) == .ack)
        #expect(rig.client.posts.count == 1)
        #expect(try rig.publisher.reports().map(\.dmEventId) == [rig.client.posts[0].dmEventId])
    }

    @Test func anAttemptHeaderWrittenByAPublisherIsNotTrusted() async throws {
        // A publisher claims attempt 1000000: its first transient failure is retried as attempt
        // 2, not dead-lettered as retries exhausted.
        let rig = try await DispatchRig()
        rig.client.fail(.transient(operation: .sendDM, cause: .httpStatus(503), rateLimit: nil))
        #expect(await rig.handle(DispatchRig.inbound(command, headers: ["x-kiamo-attempt": .int64(1_000_000)])) == .ack)
        #expect(rig.deadLetters.isEmpty)
        let copy = try #require(rig.retries.first)
        #expect(copy.properties.headers["x-kiamo-attempt"]?.intValue == 2)
        #expect(await rig.handle(DispatchRig.redelivery(of: copy)) == .ack)
        #expect(rig.client.posts.count == 1)
    }

    @Test func aClaimHeldByALiveWorkerIsParkedAndAStaleOneVerifiedBeforePosting() async throws {
        let rig = try await DispatchRig()
        // Another worker claimed the command and died before posting.
        _ = try await rig.state.claimSend(account: DispatchRig.account, key: "cmd-1", owner: "worker-dead")
        #expect(await rig.handle(DispatchRig.inbound(command)) == .ack)
        #expect(rig.client.posts.isEmpty)
        #expect(rig.retries.first?.properties.headers["x-retry-tier"] == "1s")

        rig.clock.advance(seconds: 61)
        #expect(await rig.handle(DispatchRig.inbound(command)) == .ack)
        #expect(rig.client.conversationReads == 1)
        #expect(rig.client.posts.map(\.text) == ["Hello Jane"])
    }

    @Test func aFailedVerificationKeepsTheUnknownOutcomeWithTheRetryCopy() async throws {
        let rig = try await DispatchRig()
        _ = try await rig.state.claimSend(account: DispatchRig.account, key: "cmd-1", owner: "worker-dead")
        let claimedAt = rig.clock.now()
        rig.clock.advance(seconds: 61)
        rig.client.failReads(.transient(operation: .conversationEvents, cause: .httpStatus(503), rateLimit: nil))
        #expect(await rig.handle(DispatchRig.inbound(command)) == .ack)
        #expect(rig.client.posts.isEmpty)
        let copy = try #require(rig.retries.first)
        #expect(copy.properties.headers["x-kiamo-unverified-since"]?.intValue == Int64(claimedAt.timeIntervalSince1970 * 1000))
        #expect(try await entry(rig) == .pending)

        // The copy is verified before it is posted, even though its claim is a fresh one now.
        #expect(await rig.handle(DispatchRig.redelivery(of: copy)) == .ack)
        #expect(rig.client.conversationReads == 2)
        #expect(rig.client.posts.count == 1)
    }

    @Test func aStaleClaimWhoseDMWasPostedIsRecordedWithoutPostingAgain() async throws {
        let other = try await DispatchRig(owner: "worker-dead")
        let rig = try await DispatchRig(owner: "worker-b", store: other.state)
        // The dead worker posted (through the same X), but died before recording it.
        _ = try await rig.state.claimSend(account: DispatchRig.account, key: "cmd-1", owner: "worker-dead")
        _ = try await rig.client.sendDM(to: "42", text: "Hello Jane")
        other.clock.advance(seconds: 61)
        rig.clock.advance(seconds: 61)
        #expect(await rig.handle(DispatchRig.inbound(command)) == .ack)
        #expect(rig.client.posts.count == 1)
        #expect(try rig.publisher.reports().first?.dmEventId == rig.client.posts[0].dmEventId)
    }

    @Test func anUnconfirmedReportLeavesTheCommandUnacknowledgedAndTheRedoSendsNothing() async throws {
        let rig = try await DispatchRig()
        rig.publisher.failNext(1)
        guard case .requeue = await rig.handle(DispatchRig.inbound(command)) else {
            Issue.record("an unconfirmed report was acknowledged")
            return
        }
        #expect(await rig.handle(DispatchRig.inbound(command)) == .ack)
        #expect(rig.client.posts.count == 1)
        #expect(try rig.publisher.reports().count == 1)
    }

    @Test func aLongReplyIsPostedInOrderedPartsWithOneReport() async throws {
        let rig = try await DispatchRig(splitLongMessages: true)
        let long = (0..<1800).map { "word\($0)" }.joined(separator: " ") // 15,089 characters: two DMs
        let json = String(decoding: try JSONSerialization.data(withJSONObject: ["to": ["id": "42"], "content": long]), as: UTF8.self)
        #expect(await rig.handle(DispatchRig.inbound(json)) == .ack)
        #expect(rig.client.posts.count == 2)
        #expect(rig.client.posts.map(\.text).joined(separator: " ") == long)
        let report = try #require(try rig.publisher.reports().first)
        #expect(try rig.publisher.reports().count == 1)
        #expect(report.dmEventId == rig.client.posts[1].dmEventId)
        #expect(try await entry(rig, "cmd-1#1/2") != nil)
        #expect(try await entry(rig, "cmd-1#2/2") != nil)
    }

    @Test func aPartFailingMidwayResumesAtThatPart() async throws {
        let rig = try await DispatchRig(splitLongMessages: true)
        let long = (0..<1800).map { "word\($0)" }.joined(separator: " ")
        let json = String(decoding: try JSONSerialization.data(withJSONObject: ["to": ["id": "42"], "content": long]), as: UTF8.self)
        rig.client.failAfter(posts: 1, .transient(operation: .sendDM, cause: .httpStatus(502), rateLimit: nil))
        #expect(await rig.handle(DispatchRig.inbound(json)) == .ack)
        #expect(rig.client.posts.count == 1)
        #expect(try rig.publisher.reports().isEmpty)
        let copy = try #require(rig.retries.first)
        #expect(await rig.handle(DispatchRig.redelivery(of: copy)) == .ack)
        #expect(rig.client.posts.count == 2)
        #expect(rig.client.posts.map(\.text).joined(separator: " ") == long)
        #expect(try rig.publisher.reports().count == 1)
    }
}
