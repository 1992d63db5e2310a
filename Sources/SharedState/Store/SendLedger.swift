import Foundation

/// The dispatch side's memory of every send command and of its deliveries: what makes a
/// redelivered command post at most one DM.
///
/// Each transition is a compare-and-set on the entry's state and owner (`SendLedgerRules`), so
/// exactly one of several workers handed the same command claims it, and a worker whose claim
/// was taken over cannot complete it. The delivery counts live here too because they are the
/// ledger's view of the broker: a command whose earlier delivery began and never settled may
/// already be at X, and is handled alone.
public protocol SendLedger: Sendable {
    /// The ledger entry of a send command, or nil when unknown.
    func sendEntry(account: String, key: String) async throws -> SendEntry?

    /// Records a command as pending unless the ledger already knows it; returns the entry stored.
    @discardableResult
    func recordPending(account: String, key: String) async throws -> SendEntry

    /// Claims the command for `owner` (see `SendClaim` for every answer). Exactly one of several
    /// concurrent claimers of a key gets `.claimed` / `.reclaimed`.
    func claimSend(account: String, key: String, owner: String) async throws -> SendClaim

    /// `owner`'s in-flight command → sent, with X's DM event id.
    func completeSend(account: String, key: String, owner: String, dmEventId: String, conversationId: String?) async throws -> SendTransitionResult

    /// `owner`'s in-flight command → failed for good.
    func failSend(account: String, key: String, owner: String, reason: String) async throws -> SendTransitionResult

    /// Written by `owner` just before it posts: the DM may be at X from `outcomeUnknownSince` on
    /// (`SendLedgerRules.posting`). `.rejected`: the claim is not `owner`'s any more; do not post.
    func markSendPosting(account: String, key: String, owner: String, outcomeUnknownSince: Date) async throws -> SendTransitionResult

    /// `owner`'s in-flight command keeps `mediaId`, uploaded at `uploadedAt`, for its attachment
    /// (`SendLedgerRules.media`): a later attempt posts with it instead of uploading again.
    /// `.rejected`: the claim is not `owner`'s any more; do not post.
    func recordSendMedia(account: String, key: String, owner: String, mediaId: String, uploadedAt: Date) async throws -> SendTransitionResult

    /// The command's `sent` report was confirmed (recorded on its last part's entry).
    func markSendReported(account: String, key: String) async throws -> SendTransitionResult

    /// `owner`'s in-flight command → pending again (handed back after a transient failure), with
    /// what `owner` knows of an unknown outcome (`SendLedgerRules.release`).
    func releaseSend(account: String, key: String, owner: String, outcomeUnknownSince: Date?) async throws -> SendTransitionResult

    /// Forgets sent and failed entries last changed before `sendRetention`; returns how many.
    /// Pending and in-flight entries are kept whatever their age.
    @discardableResult
    func pruneSends(account: String) async throws -> Int

    // MARK: Delivery counts

    /// Counts a delivery of command `commandId` that begins to be handled, before any work, and
    /// returns how many of its deliveries began and were never settled, this one included.
    /// What the worker's death or its connection's loss interrupts stays counted.
    func beginDelivery(account: String, commandId: String) async throws -> Int

    /// Deliveries of command `commandId` that began and were never settled (0 for none): a
    /// command with any is suspect, and is handled alone.
    func unsettledDeliveries(account: String, commandId: String) async throws -> Int

    /// The delivery counted by `beginDelivery` was settled (acknowledged or handed back to a
    /// live connection): it is not held against the command. `finished`: the command needs no
    /// count any more (acknowledged), so its row is forgotten.
    func settleDelivery(account: String, commandId: String, finished: Bool) async throws
}
