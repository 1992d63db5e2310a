/// When and where a send command that failed transiently goes next. Pure arithmetic.
///
/// Retries wait in delay tiers, one queue per delay (`<exchange>.send.retry.<tier>`): the policy
/// picks the smallest tier at or above the wanted delay. A wait longer than the largest tier (a
/// rate-limit reset far away) goes to the largest tier and comes round again.
public struct RetryPolicy: Sendable, Hashable {
    /// The delay tiers, ascending.
    public let tiers: [Duration]
    /// Attempts before a transient failure becomes a dead letter.
    public let maxAttempts: Int
    /// First backoff delay; each further attempt doubles it, up to the largest tier.
    public let baseDelay: Duration

    public init(tiers: [Duration], maxAttempts: Int, baseDelay: Duration = .seconds(1)) {
        self.tiers = tiers.sorted()
        self.maxAttempts = maxAttempts
        self.baseDelay = baseDelay
    }

    /// What to do after `attempt` (1-based) failed transiently.
    public enum Decision: Sendable, Hashable {
        case retry(after: Duration, tier: Duration)
        case giveUp
    }

    /// Capped exponential backoff: `baseDelay × 2^(attempt-1)`, capped at the largest tier, with
    /// `jitter` in 0..<1 adding up to half the delay so failed commands do not return together.
    public func afterTransientFailure(attempt: Int, jitter: Double) -> Decision {
        guard attempt < maxAttempts else { return .giveUp }
        let cap = tiers.last ?? baseDelay
        let exponent = min(max(attempt - 1, 0), 30)
        var delay = baseDelay * (1 << exponent)
        delay += delay * (min(max(jitter, 0), 0.999) / 2)
        delay = min(delay, cap)
        return .retry(after: delay, tier: tier(for: delay))
    }

    /// The tier a wait of `delay` goes to: the smallest at or above it, else the largest.
    public func tier(for delay: Duration) -> Duration {
        tiers.first { $0 >= delay } ?? tiers.last ?? delay
    }
}
