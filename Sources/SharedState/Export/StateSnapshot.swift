import Foundation

/// A read of every account's token summary, cursor and cache, for the debug export.
public struct StateSnapshot: Sendable, Hashable {
    /// Sorted by account id.
    public var accounts: [AccountSnapshot]
    public var cache: CachePolicy
    public var takenAt: Date

    public init(accounts: [AccountSnapshot], cache: CachePolicy, takenAt: Date) {
        self.accounts = accounts
        self.cache = cache
        self.takenAt = takenAt
    }
}
