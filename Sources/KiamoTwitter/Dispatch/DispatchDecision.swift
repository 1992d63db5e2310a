import Foundation
import SharedState
import XAPI

/// The dispatch worker's decisions as functions of values: what to do with a command part after
/// the send ledger answered its claim, before a send given the shared rate-limit budget, and
/// after X failed a call. No I/O; `CommandDispatcher` carries them out.
public enum DispatchDecision {
    // MARK: After the claim

    /// What the ledger's answer to a claim means for one part of a command.
    public enum AfterClaim: Sendable, Hashable {
        /// Post the DM.
        case send
        /// An earlier attempt's outcome is unknown since `since` (a worker died or X never
        /// answered): look for the DM in the conversation first, post only if it is not there.
        case verifyThenSend(since: Date)
        /// Posted before: acknowledge and report again, no second DM.
        case alreadySent(dmEventId: String, conversationId: String?)
        /// Given up before (its dead letter or report may not have gone out): dead-letter and
        /// report again.
        case alreadyFailed(CommandFailure)
        /// A live worker is posting it right now: park it in the shortest retry tier and look again.
        case park
    }

    /// The action for `claim`. `unverifiedSince` is the time from which an earlier attempt of
    /// this command (carried in its retry copy) has an unknown outcome.
    public static func afterClaim(_ claim: SendClaim, unverifiedSince: Date?) -> AfterClaim {
        switch claim {
        case .claimed:
            return unverifiedSince.map { .verifyThenSend(since: $0) } ?? .send
        case .resumed(_, let unknownSince):
            // The ledger remembers an unknown outcome the delivery's headers may not carry (the
            // original delivery of a command whose retry copy is elsewhere).
            return .verifyThenSend(since: min(unknownSince, unverifiedSince ?? unknownSince))
        case .reclaimed(_, let claimedAt, _):
            // The dead owner may have posted it any time after its claim, or after an earlier
            // unknown outcome carried in the headers: look from the earlier of the two.
            return .verifyThenSend(since: min(claimedAt, unverifiedSince ?? claimedAt))
        case .inFlightElsewhere:
            return .park
        case .alreadySent(let dmEventId, let conversationId, _):
            return .alreadySent(dmEventId: dmEventId, conversationId: conversationId)
        case .alreadyFailed(let reason, _):
            return .alreadyFailed(ledgerFailure(reason))
        }
    }

    /// The ledger's `failed` reason for `failure` (`code: message`), read back by `ledgerFailure`.
    public static func ledgerReason(_ failure: CommandFailure) -> String {
        failure.description
    }

    /// The failure a ledger reason written by `ledgerReason` stands for; a reason written
    /// otherwise is reported as `x_rejected` with the reason as its message.
    public static func ledgerFailure(_ reason: String) -> CommandFailure {
        if let colon = reason.firstIndex(of: ":"), let code = CommandFailure.Code(rawValue: String(reason[..<colon])) {
            let message = reason[reason.index(after: colon)...].drop { $0 == " " }
            return CommandFailure(code, String(message))
        }
        return CommandFailure(.xRejected, reason)
    }

    /// How long to wait before looking in the conversation for a post whose outcome is unknown
    /// since `since` (nil: look now). X gets as long to finish a request as the client waited
    /// for it, so the post's outcome is settled `2 × minimumUnknownWait` (the request timeout)
    /// after it began; a look before that could miss a DM X is still storing.
    public static func waitBeforeVerifying(since: Date, now: Date, minimumUnknownWait: Duration) -> Duration? {
        let settledAt = since.addingTimeInterval(2 * minimumUnknownWait.seconds)
        let wait = settledAt.timeIntervalSince(now)
        return wait > 0 ? .milliseconds(Int64((wait * 1000).rounded(.up))) : nil
    }

    // MARK: Before a send

    /// What the shared budget of DM sends allows.
    public enum BudgetAction: Sendable, Hashable {
        /// Send now.
        case go
        /// Wait this long in memory, then ask again (a short wait is cheaper than a round trip
        /// through a retry queue).
        case wait(Duration)
        /// The wait is long: park the command in `tier` without counting an attempt.
        case park(tier: Duration, until: Date)
    }

    /// The action for the budget's `permission` at `now`: waits up to `maxInMemoryWait` are
    /// waited in memory, longer ones go to the retry tier covering them.
    public static func beforeSend(_ permission: RateLimitPermission, now: Date, maxInMemoryWait: Duration, policy: RetryPolicy) -> BudgetAction {
        switch permission {
        case .now:
            return .go
        case .after(let date):
            let wait = Duration.milliseconds(Int64(max(0, date.timeIntervalSince(now)) * 1000))
            if wait <= maxInMemoryWait { return .wait(max(wait, .milliseconds(10))) }
            return .park(tier: policy.tier(for: wait), until: date)
        }
    }

    // MARK: After a failure

    /// Where an X call failed, which decides what is known of the DM.
    public enum FailedStep: Sendable, Hashable {
        /// Reading the conversation to verify an unknown outcome: nothing was posted by this attempt.
        case verifying
        /// Posting the DM, started at `startedAt`.
        case posting(startedAt: Date)
        /// Uploading the reply's media: nothing was posted by this attempt.
        case uploading
    }

    /// What to do after X failed.
    public enum AfterFailure: Sendable, Hashable {
        /// Transient: publish a copy to `tier` as attempt `attempt`, hand the claim back, ack.
        /// `unverifiedSince` goes with it when the DM may have been posted.
        case retry(tier: Duration, attempt: Int, unverifiedSince: Date?, reason: RetryReason)
        /// X's rate limit: park the copy in `tier` (the attempt is not counted) until `until`.
        case holdForRateLimit(tier: Duration, until: Date, unverifiedSince: Date?)
        /// Permanent, or transient too many times: dead-letter and report `failed`.
        case deadLetter(CommandFailure)
    }

    /// Why a command goes round the retry queues (the `reason` label of the retry metric).
    public enum RetryReason: String, Sendable, Hashable {
        /// X's rate limit or the shared budget.
        case rateLimited = "rate_limited"
        /// A 5xx, or X unreachable before the post.
        case unavailable = "x_unavailable"
        /// The post may have gone through: the next attempt verifies first.
        case outcomeUnknown = "outcome_unknown"
        /// X refused the credentials.
        case unauthorized
        /// Another live worker is posting it.
        case inFlightElsewhere = "in_flight_elsewhere"
        /// An earlier reply to the same recipient waits in a retry tier: kept behind it.
        case behindEarlierReply = "behind_earlier_reply"
        /// The reply's attachment could not be downloaded or read yet.
        case attachmentUnavailable = "attachment_unavailable"
    }

    /// The action after the reply's attachment could not be had for a reason that may pass (a
    /// timeout, a 5xx of its server): retried like a failed post, dead-lettered as
    /// `retries_exhausted` past `maxAttempts`. Nothing was posted by this attempt.
    public static func afterAttachmentFailure(
        _ reason: String, attempt: Int, unresolvedSince: Date?, policy: RetryPolicy, jitter: Double
    ) -> AfterFailure {
        switch policy.afterTransientFailure(attempt: attempt, jitter: jitter) {
        case .giveUp:
            return .deadLetter(
                CommandFailure(.retriesExhausted, "gave up after \(attempt) attempt(s) (dispatch.maxAttempts \(policy.maxAttempts)); last error: \(reason)"))
        case .retry(_, let tier):
            return .retry(tier: tier, attempt: attempt + 1, unverifiedSince: unresolvedSince, reason: .attachmentUnavailable)
        }
    }

    /// The action after `error` failed `step` of attempt `attempt` (1-based).
    ///
    /// - `unresolvedSince`: the unknown outcome of an earlier attempt not yet ruled out by a
    ///   verification (it stays with the command until one succeeds).
    /// - `minimumUnknownWait`: when the DM may have been posted (network failure or timeout
    ///   while posting, an unreadable answer), the retry waits at least this long (the request
    ///   timeout: X gets as long to finish the request as the client waited for it) so the
    ///   verification sees it.
    /// - `jitter` in 0..<1 spreads retries (see `RetryPolicy`).
    public static func afterFailure(
        _ error: XAPIError, step: FailedStep, attempt: Int, unresolvedSince: Date?, policy: RetryPolicy,
        minimumUnknownWait: Duration, now: Date, jitter: Double
    ) -> AfterFailure {
        var unverified = unresolvedSince
        let reason: RetryReason
        switch error {
        case .rejected(_, let status, let problem, _) where step == .uploading:
            return .deadLetter(CommandFailure(.attachmentRefused, "X refused the attachment (HTTP \(status)): \(problem)", httpStatus: status))
        case .invalidArgument(_, _, let why) where step == .uploading:
            return .deadLetter(CommandFailure(.attachmentRefused, "X will not take the attachment: \(why)"))
        case .rejected(_, let status, let problem, _):
            return .deadLetter(CommandFailure(.xRejected, "X refused the DM (HTTP \(status)): \(problem)", httpStatus: status))
        case .invalidArgument(_, let argument, let why):
            return .deadLetter(CommandFailure(.xRejected, "X would refuse the DM: invalid \(argument): \(why)"))
        case .rateLimited(_, let resetAt?, _):
            let wait = Duration.milliseconds(Int64(max(0, resetAt.timeIntervalSince(now)) * 1000))
            return .holdForRateLimit(tier: policy.tier(for: wait), until: resetAt, unverifiedSince: unverified)
        case .rateLimited(_, nil, _):
            reason = .rateLimited
        case .transient(_, .httpStatus, _), .transient(_, .unreachable, _):
            // X answered, or was never reached: either way it holds no DM from this attempt.
            reason = .unavailable
        case .transient(_, .network, _), .decoding:
            // The request may have reached X and the DM been posted: verify before the next post.
            if case .posting(let startedAt) = step {
                unverified = min(startedAt, unverified ?? startedAt)
                reason = .outcomeUnknown
            } else {
                reason = .unavailable
            }
        case .unauthorized, .refreshRejected:
            reason = .unauthorized
        }

        switch policy.afterTransientFailure(attempt: attempt, jitter: jitter) {
        case .giveUp:
            let code: CommandFailure.Code = reason == .unauthorized ? .unauthorized : .retriesExhausted
            return .deadLetter(
                CommandFailure(
                    code, "gave up after \(attempt) attempt(s) (dispatch.maxAttempts \(policy.maxAttempts)); last error: \(error)",
                    httpStatus: error.httpStatus))
        case .retry(let delay, let tier):
            let wait = unverified != nil && reason == .outcomeUnknown ? max(delay, minimumUnknownWait) : delay
            return .retry(tier: wait == delay ? tier : policy.tier(for: wait), attempt: attempt + 1, unverifiedSince: unverified, reason: reason)
        }
    }
}
