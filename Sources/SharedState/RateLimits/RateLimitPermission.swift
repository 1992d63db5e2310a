import Foundation

/// Whether a call may go now under the shared budget.
public enum RateLimitPermission: Sendable, Hashable {
    /// Go now (the call has been counted against the budget).
    case now
    /// Ask again at this time.
    case after(Date)
}
