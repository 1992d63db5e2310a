import Foundation
import SharedState
import Testing
import XAPI

@testable import KiamoTwitter

@Suite struct DispatchDecisionTests {
    let policy = RetryPolicy(tiers: [.seconds(1), .seconds(10), .seconds(60), .seconds(600)], maxAttempts: 4)
    let now = Date(timeIntervalSince1970: 1_750_000_000)

    private func after(_ error: XAPIError, step: DispatchDecision.FailedStep? = nil, attempt: Int = 1, unresolved: Date? = nil) -> DispatchDecision.AfterFailure {
        DispatchDecision.afterFailure(
            error, step: step ?? .posting(startedAt: now), attempt: attempt, unresolvedSince: unresolved, policy: policy,
            minimumUnknownWait: .seconds(30), now: now, jitter: 0)
    }

    // MARK: Claims

    @Test func aFreshClaimIsSentAndOneAfterAnUnknownOutcomeIsVerifiedFirst() {
        #expect(DispatchDecision.afterClaim(.claimed(attempt: 1), unverifiedSince: nil) == .send)
        #expect(DispatchDecision.afterClaim(.claimed(attempt: 2), unverifiedSince: now) == .verifyThenSend(since: now))
    }

    @Test func aStaleClaimIsVerifiedFromTheEarlierOfItsClaimAndTheCarriedUnknownOutcome() {
        let claimedAt = now.addingTimeInterval(-90)
        #expect(
            DispatchDecision.afterClaim(.reclaimed(previousOwner: "dead", claimedAt: claimedAt, attempt: 2), unverifiedSince: nil)
                == .verifyThenSend(since: claimedAt))
        let earlier = now.addingTimeInterval(-200)
        #expect(
            DispatchDecision.afterClaim(.reclaimed(previousOwner: "dead", claimedAt: claimedAt, attempt: 2), unverifiedSince: earlier)
                == .verifyThenSend(since: earlier))
    }

    @Test func aSentCommandIsAcknowledgedWithoutAPostAndALiveClaimIsParked() {
        #expect(
            DispatchDecision.afterClaim(.alreadySent(dmEventId: "9", conversationId: "1-2", at: now), unverifiedSince: nil)
                == .alreadySent(dmEventId: "9", conversationId: "1-2"))
        #expect(DispatchDecision.afterClaim(.inFlightElsewhere(owner: "other", since: now), unverifiedSince: nil) == .park)
    }

    @Test func aFailedCommandIsDeadLetteredAgainWithTheReasonTheLedgerKept() {
        let failure = CommandFailure(.xRejected, "X refused the DM (HTTP 403): Forbidden")
        let reason = DispatchDecision.ledgerReason(failure)
        #expect(DispatchDecision.afterClaim(.alreadyFailed(reason: reason, at: now), unverifiedSince: nil) == .alreadyFailed(failure))
        #expect(DispatchDecision.ledgerFailure("something else") == CommandFailure(.xRejected, "something else"))
    }

    // MARK: Budget

    @Test func shortBudgetWaitsAreWaitedAndLongOnesParkedInTheTierCoveringThem() {
        #expect(DispatchDecision.beforeSend(.now, now: now, maxInMemoryWait: .seconds(2), policy: policy) == .go)
        #expect(
            DispatchDecision.beforeSend(.after(now.addingTimeInterval(1.5)), now: now, maxInMemoryWait: .seconds(2), policy: policy)
                == .wait(.milliseconds(1500)))
        let reset = now.addingTimeInterval(42)
        #expect(DispatchDecision.beforeSend(.after(reset), now: now, maxInMemoryWait: .seconds(2), policy: policy) == .park(tier: .seconds(60), until: reset))
        let far = now.addingTimeInterval(5000)
        #expect(DispatchDecision.beforeSend(.after(far), now: now, maxInMemoryWait: .seconds(2), policy: policy) == .park(tier: .seconds(600), until: far))
    }

    // MARK: Failures

    @Test func rejectionsAreDeadLetteredWithXsProblemAndStatus() {
        for status in [400, 403, 404] {
            let problem = XProblem(title: "Forbidden", detail: "You cannot send messages to this user.", type: "https://api.x.com/2/problems/dm-permission")
            guard case .deadLetter(let failure) = after(.rejected(operation: .sendDM, httpStatus: status, problem: problem, rateLimit: nil)) else {
                Issue.record("HTTP \(status) was not dead-lettered")
                continue
            }
            #expect(failure.code == .xRejected)
            #expect(failure.httpStatus == status)
            #expect(failure.message.contains("You cannot send messages to this user."))
        }
    }

    @Test func aRateLimitParksUntilTheResetWithoutCountingAnAttempt() {
        let reset = now.addingTimeInterval(8)
        #expect(
            after(.rateLimited(operation: .sendDM, resetAt: reset, rateLimit: nil), attempt: 3)
                == .holdForRateLimit(tier: .seconds(10), until: reset, unverifiedSince: nil))
        // A reset beyond the largest tier goes to the largest one and comes round again.
        let far = now.addingTimeInterval(3600)
        #expect(
            after(.rateLimited(operation: .sendDM, resetAt: far, rateLimit: nil))
                == .holdForRateLimit(tier: .seconds(600), until: far, unverifiedSince: nil))
    }

    @Test func serverErrorsRetryWithBackoffThenGiveUp() {
        let error = XAPIError.transient(operation: .sendDM, cause: .httpStatus(503), rateLimit: nil)
        #expect(after(error, attempt: 1) == .retry(tier: .seconds(1), attempt: 2, unverifiedSince: nil, reason: .unavailable))
        #expect(after(error, attempt: 3) == .retry(tier: .seconds(10), attempt: 4, unverifiedSince: nil, reason: .unavailable))
        guard case .deadLetter(let failure) = after(error, attempt: 4) else {
            Issue.record("the last attempt was not dead-lettered")
            return
        }
        #expect(failure.code == .retriesExhausted)
        #expect(failure.httpStatus == 503)
    }

    @Test func aLostAnswerWhilePostingIsVerifiedBeforeTheNextPostAfterAtLeastTheRequestTimeout() {
        let startedAt = now.addingTimeInterval(-31)
        let error = XAPIError.transient(operation: .sendDM, cause: .network("operation timed out"), rateLimit: nil)
        #expect(after(error, step: .posting(startedAt: startedAt)) == .retry(tier: .seconds(60), attempt: 2, unverifiedSince: startedAt, reason: .outcomeUnknown))
        let undecodable = XAPIError.decoding(operation: .sendDM, field: "data", reason: "truncated")
        #expect(after(undecodable, step: .posting(startedAt: startedAt)) == .retry(tier: .seconds(60), attempt: 2, unverifiedSince: startedAt, reason: .outcomeUnknown))
        // An older unknown outcome not yet ruled out stays the floor of the verification.
        let older = now.addingTimeInterval(-100)
        #expect(after(error, step: .posting(startedAt: startedAt), unresolved: older) == .retry(tier: .seconds(60), attempt: 2, unverifiedSince: older, reason: .outcomeUnknown))
    }

    @Test func aPostThatNeverReachedXIsRetriedWithoutAVerification() {
        // A blackholed route, a refused connection, a name that does not resolve: nothing left
        // this host, so there is nothing to verify (the multi-host suite's host cut off from X
        // made every reply wait a verification's whole window).
        let startedAt = now.addingTimeInterval(-1)
        let error = XAPIError.transient(operation: .sendDM, cause: .unreachable("could not connect to x:8080"), rateLimit: nil)
        #expect(after(error, step: .posting(startedAt: startedAt)) == .retry(tier: .seconds(1), attempt: 2, unverifiedSince: nil, reason: .unavailable))
        // An earlier unknown outcome stays unresolved.
        let older = now.addingTimeInterval(-100)
        #expect(after(error, step: .posting(startedAt: startedAt), unresolved: older) == .retry(tier: .seconds(1), attempt: 2, unverifiedSince: older, reason: .unavailable))
    }

    @Test func aFailedVerificationKeepsTheUnknownOutcomeWithoutAddingOne() {
        let since = now.addingTimeInterval(-70)
        let error = XAPIError.transient(operation: .conversationEvents, cause: .network("connection reset"), rateLimit: nil)
        #expect(after(error, step: .verifying, unresolved: since) == .retry(tier: .seconds(1), attempt: 2, unverifiedSince: since, reason: .unavailable))
    }

    @Test func refusedCredentialsRetryThenDeadLetterAsUnauthorized() {
        let error = XAPIError.unauthorized(operation: .sendDM, detail: nil)
        #expect(after(error, attempt: 1) == .retry(tier: .seconds(1), attempt: 2, unverifiedSince: nil, reason: .unauthorized))
        guard case .deadLetter(let failure) = after(error, attempt: 4) else {
            Issue.record("the last attempt was not dead-lettered")
            return
        }
        #expect(failure.code == .unauthorized)
        #expect(failure.httpStatus == 401)
    }
}
