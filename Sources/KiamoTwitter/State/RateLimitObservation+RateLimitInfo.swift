import SharedState
import XAPI

extension RateLimitObservation {
    /// The observation in the rate-limit headers XAPI parsed from a response (`rejected` for a
    /// 429); nil when X did not send all three headers.
    public init?(_ info: RateLimitInfo, rejected: Bool = false) {
        guard let limit = info.limit, let remaining = info.remaining, let resetAt = info.resetAt else { return nil }
        self.init(limit: limit, remaining: remaining, resetAt: resetAt, rejected: rejected)
    }
}
