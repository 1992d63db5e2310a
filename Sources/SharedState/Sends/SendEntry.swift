import Foundation

/// One send command in the send ledger, keyed by its idempotency key (the command id).
public struct SendEntry: Sendable, Hashable {
    /// The account the command posts from.
    public var account: String
    /// The idempotency key (the command id).
    public var key: String
    /// Where the command is in its life.
    public var state: SendState
    /// How many times a worker claimed it (the delivery report's `attempts`).
    public var attempts: Int
    /// Incremented by every transition; compare-and-set writes check it, so a transition decided
    /// on a stale read never applies.
    public var revision: Int64
    /// When the ledger first saw the command.
    public var createdAt: Date
    /// The last transition; retention counts from it.
    public var updatedAt: Date

    /// An entry as stored.
    public init(account: String, key: String, state: SendState, attempts: Int, revision: Int64, createdAt: Date, updatedAt: Date) {
        self.account = account
        self.key = key
        self.state = state
        self.attempts = attempts
        self.revision = revision
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}
