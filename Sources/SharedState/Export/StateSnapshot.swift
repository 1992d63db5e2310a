import Foundation

/// A read of every account's token summary, cursor and cache, for the debug export.
public struct StateSnapshot: Sendable, Hashable {
    /// Sorted by account id.
    public var accounts: [AccountSnapshot]
    /// The cache settings the store applies.
    public var cache: CachePolicy
    /// When the snapshot was read (the store's clock).
    public var takenAt: Date

    /// A snapshot of every account.
    public init(accounts: [AccountSnapshot], cache: CachePolicy, takenAt: Date) {
        self.accounts = accounts
        self.cache = cache
        self.takenAt = takenAt
    }
}
