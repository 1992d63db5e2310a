import Foundation

/// What every worker of an account knows of one endpoint family's rate-limit window.
public struct RateLimitBudget: Sendable, Hashable, Codable {
    /// The account whose budget it is.
    public var account: String
    /// The endpoint family, e.g. `dm_events` (X counts some endpoints together).
    public var endpoint: String
    /// Calls allowed per window (`x-rate-limit-limit`).
    public var limit: Int
    /// Calls left in the window: X's last answer, minus the calls granted since.
    public var remaining: Int
    /// When the window ends (`x-rate-limit-reset`).
    public var resetAt: Date
    /// Set by a 429: no call before this.
    public var rejectedUntil: Date?
    /// The last call granted by `permission`, from which paced calls are spaced.
    public var lastGrantedAt: Date?

    /// A budget as recorded.
    public init(
        account: String, endpoint: String, limit: Int, remaining: Int, resetAt: Date,
        rejectedUntil: Date? = nil, lastGrantedAt: Date? = nil
    ) {
        self.account = account
        self.endpoint = endpoint
        self.limit = limit
        self.remaining = remaining
        self.resetAt = resetAt
        self.rejectedUntil = rejectedUntil
        self.lastGrantedAt = lastGrantedAt
    }
}
