import Foundation

/// What a worker learns when it claims a send command.
public enum SendClaim: Sendable, Hashable {
    /// The caller owns the command now and should post it; `attempt` counts from 1.
    case claimed(attempt: Int)
    /// The caller owns the command now, but an earlier attempt's post has had an unknown outcome
    /// since `outcomeUnknownSince` (the ledger remembers it whatever became of that attempt's
    /// broker delivery): look for the DM in the conversation before posting.
    case resumed(attempt: Int, outcomeUnknownSince: Date)
    /// The caller owns the command now, but `previousOwner` claimed it at `claimedAt` and never
    /// reported an outcome (it died or hung past the stale timeout): the DM may or may not have
    /// been posted. Check X before posting again. `claimedAt` is the earlier of that claim and an
    /// unknown outcome the ledger held before it.
    case reclaimed(previousOwner: String, claimedAt: Date, attempt: Int)
    /// Another worker claimed it at `since` and may be posting it now: do not send.
    case inFlightElsewhere(owner: String, since: Date)
    /// Already posted: acknowledge without a second DM.
    case alreadySent(dmEventId: String, conversationId: String?, at: Date)
    /// Already given up for good.
    case alreadyFailed(reason: String, at: Date)

    /// True when the caller now owns the command.
    public var isOwned: Bool {
        switch self {
        case .claimed, .resumed, .reclaimed: true
        case .inFlightElsewhere, .alreadySent, .alreadyFailed: false
        }
    }
}
