/// The rate limiter's answer for one request: allowed or not, and the `x-rate-limit-*` headers.
struct RateLimitDecision: Sendable, Equatable {
    var allowed: Bool
    var limit: Int
    var remaining: Int
    /// Unix seconds at which the reported window starts afresh.
    var reset: Int64

    var headers: [(String, String)] {
        [("x-rate-limit-limit", String(limit)), ("x-rate-limit-remaining", String(remaining)), ("x-rate-limit-reset", String(reset))]
    }

    static func == (lhs: RateLimitDecision, rhs: RateLimitDecision) -> Bool {
        lhs.allowed == rhs.allowed && lhs.limit == rhs.limit && lhs.remaining == rhs.remaining && lhs.reset == rhs.reset
    }
}
