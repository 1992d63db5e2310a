import Foundation

/// How a connection that was up comes back after it drops: capped exponential backoff with
/// jitter, optionally a bounded number of attempts.
///
/// Attempt 1 waits `initialDelay`, each next one `multiplier` times longer, never more than
/// `maximumDelay`; jitter spreads each wait by ±`jitter` of itself so a fleet of workers does not
/// reconnect in lockstep after a broker restart.
public struct AMQPReconnectPolicy: Sendable, Hashable {
    /// Whether a lost connection is reconnected at all.
    public var enabled: Bool
    /// Wait before the first attempt.
    public var initialDelay: Duration
    /// Upper bound of any wait (before jitter).
    public var maximumDelay: Duration
    /// Growth of the wait per failed attempt.
    public var multiplier: Double
    /// Fraction (0...1) of each wait added or removed at random.
    public var jitter: Double
    /// Attempts before giving up for good; nil retries forever.
    public var maximumAttempts: Int?

    /// Reconnects forever: 100 ms, doubling, capped at 30 s, ±20 % jitter.
    public init(
        enabled: Bool = true,
        initialDelay: Duration = .milliseconds(100),
        maximumDelay: Duration = .seconds(30),
        multiplier: Double = 2,
        jitter: Double = 0.2,
        maximumAttempts: Int? = nil
    ) {
        self.enabled = enabled
        self.initialDelay = initialDelay
        self.maximumDelay = maximumDelay
        self.multiplier = multiplier
        self.jitter = jitter
        self.maximumAttempts = maximumAttempts
    }

    /// Never reconnects: a lost connection is closed for good.
    public static let disabled = AMQPReconnectPolicy(enabled: false)

    /// Whether attempt number `attempt` (1-based) may be made.
    public func allows(attempt: Int) -> Bool {
        guard enabled else { return false }
        guard let maximumAttempts else { return true }
        return attempt <= maximumAttempts
    }

    /// The wait before attempt `attempt` (1-based); `random` in 0...1 picks the jitter.
    public func delay(beforeAttempt attempt: Int, random: Double) -> Duration {
        let initial = max(initialDelay.seconds, 0)
        let cap = max(maximumDelay.seconds, initial)
        let exponent = Double(max(attempt - 1, 0))
        // pow can overflow to infinity for large attempts; min() caps it.
        let base = min(initial * pow(max(multiplier, 1), exponent), cap)
        let spread = min(max(jitter, 0), 1)
        let factor = 1 - spread + 2 * spread * min(max(random, 0), 1)
        return .milliseconds(Int64((base * factor * 1000).rounded()))
    }
}

extension Duration {
    /// The duration in (fractional) seconds.
    var seconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}
