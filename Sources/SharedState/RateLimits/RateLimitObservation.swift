import Foundation

/// The `x-rate-limit-*` headers of one X response for an endpoint family.
public struct RateLimitObservation: Sendable, Hashable {
    /// `x-rate-limit-limit`: calls allowed per window.
    public var limit: Int
    /// `x-rate-limit-remaining`: calls left in the window.
    public var remaining: Int
    /// `x-rate-limit-reset`: when the window ends (epoch seconds on the wire).
    public var resetAt: Date
    /// True for a 429 answer: nothing more may go before `resetAt`.
    public var rejected: Bool

    /// The three headers, and whether the answer was a 429.
    public init(limit: Int, remaining: Int, resetAt: Date, rejected: Bool = false) {
        self.limit = limit
        self.remaining = remaining
        self.resetAt = resetAt
        self.rejected = rejected
    }
}
