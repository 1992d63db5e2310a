import Foundation

/// The send ledger's state machine as functions of values, shared by every backend.
///
/// Each function takes the entry as read and returns what to write; the backend writes it with a
/// compare-and-set on the read `revision` (or an insert that fails if someone inserted first), so
/// two workers deciding on the same read can never both win.
public enum SendLedgerRules {
    /// A claim decision: what the caller is told, and the entry to write (nil: write nothing).
    public struct ClaimDecision: Sendable, Hashable {
        /// What the claimer is told.
        public var claim: SendClaim
        /// The entry to write with a compare-and-set on the read revision; nil: write nothing.
        public var write: SendEntry?

        /// A decision.
        public init(claim: SendClaim, write: SendEntry?) {
            self.claim = claim
            self.write = write
        }
    }

    /// The entry to insert for `recordPending` when none exists (nil: keep what is stored).
    public static func pending(_ current: SendEntry?, account: String, key: String, now: Date) -> SendEntry? {
        guard current == nil else { return nil }
        return SendEntry(account: account, key: key, state: .pending, attempts: 0, revision: 1, createdAt: now, updatedAt: now)
    }

    /// Absent or pending → in flight for `owner` (told of an unknown outcome the entry keeps); in
    /// flight for longer than `staleAfter` → taken over, the caller told the earlier outcome is
    /// unknown; otherwise refused with the reason.
    public static func claim(
        _ current: SendEntry?, account: String, key: String, owner: String, now: Date, staleAfter: Duration
    ) -> ClaimDecision {
        guard let current else {
            let entry = SendEntry(
                account: account, key: key, state: .inFlight(owner: owner, since: now),
                attempts: 1, revision: 1, createdAt: now, updatedAt: now
            )
            return ClaimDecision(claim: .claimed(attempt: 1), write: entry)
        }
        var next = current
        next.state = .inFlight(owner: owner, since: now)
        next.attempts = current.attempts + 1
        next.revision = current.revision + 1
        next.updatedAt = now
        switch current.state {
        case .pending:
            if let unknown = current.unverifiedSince {
                return ClaimDecision(claim: .resumed(attempt: next.attempts, outcomeUnknownSince: unknown), write: next)
            }
            return ClaimDecision(claim: .claimed(attempt: next.attempts), write: next)
        case .inFlight(let holder, let since):
            guard now.timeIntervalSince(since) >= staleAfter.seconds else {
                return ClaimDecision(claim: .inFlightElsewhere(owner: holder, since: since), write: nil)
            }
            let from = min(since, current.unverifiedSince ?? since)
            return ClaimDecision(claim: .reclaimed(previousOwner: holder, claimedAt: from, attempt: next.attempts), write: next)
        case .sent(let dmEventId, let conversationId, let at):
            return ClaimDecision(claim: .alreadySent(dmEventId: dmEventId, conversationId: conversationId, at: at), write: nil)
        case .failed(let reason, let at):
            return ClaimDecision(claim: .alreadyFailed(reason: reason, at: at), write: nil)
        }
    }

    /// A finishing transition decided: write `entry`, or answer without writing.
    public enum Decision: Sendable, Hashable {
        case write(SendEntry)
        case unchanged(SendTransitionResult)
    }

    /// `owner`'s in-flight entry remembers that its DM may be at X from `outcomeUnknownSince` on,
    /// written before the post goes out: whatever happens next to the process or its broker
    /// connection, the next claimer looks in the conversation first. Rejected when the claim is
    /// no longer `owner`'s (taken over as stale): the caller must not post then.
    public static func posting(_ current: SendEntry?, owner: String, outcomeUnknownSince: Date, now: Date) -> Decision {
        guard let current, case .inFlight(let holder, _) = current.state, holder == owner else {
            return .unchanged(.rejected(current: current))
        }
        var next = current
        next.unverifiedSince = outcomeUnknownSince
        next.revision = current.revision + 1
        next.updatedAt = now
        return .write(next)
    }

    /// `owner`'s in-flight entry remembers the media X gave for the command's attachment, written
    /// after the upload and before the post: whoever posts this command next (a redelivery after
    /// this process died, a retry) posts with it rather than uploading again. Rejected when the
    /// claim is no longer `owner`'s: the new owner uploads or reuses as its entry says.
    public static func media(_ current: SendEntry?, owner: String, mediaId: String, uploadedAt: Date, now: Date) -> Decision {
        guard let current, case .inFlight(let holder, _) = current.state, holder == owner else {
            return .unchanged(.rejected(current: current))
        }
        if current.mediaId == mediaId { return .unchanged(.applied(current)) }
        var next = current
        next.mediaId = mediaId
        next.mediaUploadedAt = uploadedAt
        next.revision = current.revision + 1
        next.updatedAt = now
        return .write(next)
    }

    /// Sent → its `sent` report confirmed at `now`. Any other state is rejected; a second mark
    /// is answered as applied and keeps the first time.
    public static func reported(_ current: SendEntry?, now: Date) -> Decision {
        guard let current, case .sent = current.state else { return .unchanged(.rejected(current: current)) }
        guard current.reportedAt == nil else { return .unchanged(.applied(current)) }
        var next = current
        next.reportedAt = now
        next.revision = current.revision + 1
        next.updatedAt = now
        return .write(next)
    }

    /// In flight for `owner` → sent. Repeating the same completion is answered as applied.
    public static func complete(
        _ current: SendEntry?, owner: String, dmEventId: String, conversationId: String?, now: Date
    ) -> Decision {
        if let current, case .sent(let stored, _, _) = current.state, stored == dmEventId {
            return .unchanged(.applied(current))
        }
        return finish(current, owner: owner, to: .sent(dmEventId: dmEventId, conversationId: conversationId, at: now), now: now)
    }

    /// In flight for `owner` → failed for good. Repeating the same failure is answered as applied.
    public static func fail(_ current: SendEntry?, owner: String, reason: String, now: Date) -> Decision {
        if let current, case .failed(let stored, _) = current.state, stored == reason {
            return .unchanged(.applied(current))
        }
        return finish(current, owner: owner, to: .failed(reason: reason, at: now), now: now)
    }

    /// In flight for `owner` → pending again (handed back after a transient failure), keeping
    /// `outcomeUnknownSince`: what the releaser knows of its posts (nil only when none of them
    /// can be at X: none was attempted since a look in the conversation, or X refused it).
    public static func release(_ current: SendEntry?, owner: String, outcomeUnknownSince: Date?, now: Date) -> Decision {
        finish(current, owner: owner, to: .pending, unverifiedSince: outcomeUnknownSince, now: now)
    }

    private static func finish(
        _ current: SendEntry?, owner: String, to state: SendState, unverifiedSince: Date? = nil,
        now: Date
    ) -> Decision {
        guard let current, case .inFlight(let holder, _) = current.state, holder == owner else {
            return .unchanged(.rejected(current: current))
        }
        var next = current
        next.state = state
        next.unverifiedSince = unverifiedSince
        next.revision = current.revision + 1
        next.updatedAt = now
        return .write(next)
    }
}
