import SharedState
import XAPI

extension RateLimitObservation {
    /// The observation in the rate-limit headers XAPI parsed from a response: the one conversion
    /// (every call the workers and `kiamo-twitter` make is recorded through it).
    ///
    /// - A 429 (`rejected`) needs only the reset time (the header, or `Retry-After`): the window
    ///   is spent until then, whatever else X sent (a missing `remaining` is 0, a missing `limit`
    ///   is `remaining`).
    /// - Any other answer is an observation only with all three headers: a missing `remaining`
    ///   must not be read as 0, which would hold every worker back until the reset.
    public init?(_ info: RateLimitInfo, rejected: Bool = false) {
        guard let resetAt = info.resetAt else { return nil }
        if rejected {
            let remaining = info.remaining ?? 0
            self.init(limit: info.limit ?? remaining, remaining: remaining, resetAt: resetAt, rejected: true)
            return
        }
        guard let limit = info.limit, let remaining = info.remaining else { return nil }
        self.init(limit: limit, remaining: remaining, resetAt: resetAt, rejected: false)
    }
}
