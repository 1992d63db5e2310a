import Foundation

/// Where one send command is in its life: `pending → inFlight → sent | failed`.
///
/// `inFlight` goes back to `pending` when a worker hands a command back after a transient
/// failure; `sent` and `failed` are final.
public enum SendState: Sendable, Hashable {
    /// Known, not being sent by anyone.
    case pending
    /// A worker (`owner`) claimed it at `since` and is posting the DM.
    case inFlight(owner: String, since: Date)
    /// X accepted the DM.
    case sent(dmEventId: String, conversationId: String?, at: Date)
    /// Given up for good (a permanent error, or retries exhausted).
    case failed(reason: String, at: Date)

    /// The state's name as stored and shown: `pending`, `inFlight`, `sent`, `failed`.
    public var name: String {
        switch self {
        case .pending: "pending"
        case .inFlight: "inFlight"
        case .sent: "sent"
        case .failed: "failed"
        }
    }
}
