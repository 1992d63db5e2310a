import Foundation

/// The outcome of `cleanCache`.
public enum CacheCleaning: Sendable, Hashable {
    /// This call cleaned: `removed` expired records were deleted.
    case cleaned(removed: Int)
    /// A cleanup ran less than `checkEveryInSecs` ago (in any process); the next one is due at `nextAt`.
    case notDue(nextAt: Date)
    /// The cache is disabled.
    case disabled
}
