import Foundation

/// The cache's decisions as functions of values, shared by every backend.
public enum CacheRules {
    /// A record is expired once it is older than `expirationInSecs`.
    public static func isExpired(updatedAt: Date, now: Date, policy: CachePolicy) -> Bool {
        now.timeIntervalSince(updatedAt) > Double(policy.expirationInSecs)
    }

    /// Records last updated before this are expired at `now`.
    public static func expiryCutoff(now: Date, policy: CachePolicy) -> Date {
        now.addingTimeInterval(-Double(policy.expirationInSecs))
    }

    /// An add replaces what is stored only with a strictly newer record, so a slow process
    /// holding an old look-up cannot overwrite a fresher one.
    public static func replaces(existingUpdatedAt: Date?, with newUpdatedAt: Date) -> Bool {
        guard let existingUpdatedAt else { return true }
        return newUpdatedAt > existingUpdatedAt
    }

    /// When the next cleanup may run, given the last one (nil: never cleaned, due now).
    public static func nextCleaning(lastCleanedAt: Date?, policy: CachePolicy) -> Date? {
        lastCleanedAt.map { $0.addingTimeInterval(Double(policy.checkEveryInSecs)) }
    }

    /// A cleanup is due when none ran within the last `checkEveryInSecs`.
    public static func isCleaningDue(lastCleanedAt: Date?, now: Date, policy: CachePolicy) -> Bool {
        guard let next = nextCleaning(lastCleanedAt: lastCleanedAt, policy: policy) else { return true }
        return now >= next
    }
}
