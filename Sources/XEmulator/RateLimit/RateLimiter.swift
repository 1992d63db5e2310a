/// Fixed-window request counting per (user, endpoint family, window), as X counts: a window
/// opens at the first request after the previous one closed and allows `limit` requests.
struct RateLimiter: Sendable {
    private struct Key: Hashable {
        var user: UInt64
        var family: EndpointFamily
        var window: Int
    }

    private struct Counter {
        var start: Double
        var used: Int
    }

    private var counters: [Key: Counter] = [:]

    /// What the headers say is left when limits are off.
    static let unlimited = 1_000_000

    /// Counts one request of `user` on `family` at `now` (Unix seconds) under `policy`.
    ///
    /// Refused when any window of the family is spent; the headers then describe that window.
    /// Allowed requests report the tightest window (fewest remaining; the earliest reset on a tie).
    /// Without enforcement nothing is counted and the headers describe a budget no client will
    /// pace itself by (`unlimited` calls left), so benchmarks measure the workers, not X's limits.
    mutating func check(user: UInt64, family: EndpointFamily, now: Double, policy: RateLimitPolicy) -> RateLimitDecision? {
        guard let windows = policy.windows[family], !windows.isEmpty else { return nil }
        guard policy.enforced else {
            let first = windows[0]
            return RateLimitDecision(allowed: true, limit: Self.unlimited, remaining: Self.unlimited, reset: Int64(now) + Int64(first.seconds))
        }
        var current: [(Key, Counter, RateLimitPolicy.Window)] = []
        for (index, window) in windows.enumerated() {
            let key = Key(user: user, family: family, window: index)
            var counter = counters[key] ?? Counter(start: now, used: 0)
            if now >= counter.start + Double(window.seconds) || now < counter.start { counter = Counter(start: now, used: 0) }
            current.append((key, counter, window))
        }
        if let spent = current.first(where: { $0.1.used >= $0.2.limit }) {
            for (key, counter, _) in current { counters[key] = counter }
            return RateLimitDecision(allowed: false, limit: spent.2.limit, remaining: 0, reset: Self.reset(spent.1, spent.2))
        }
        var tightest: RateLimitDecision?
        for (key, var counter, window) in current {
            counter.used += 1
            counters[key] = counter
            let decision = RateLimitDecision(allowed: true, limit: window.limit, remaining: window.limit - counter.used, reset: Self.reset(counter, window))
            if let best = tightest, best.remaining < decision.remaining || (best.remaining == decision.remaining && best.reset <= decision.reset) {
                continue
            }
            tightest = decision
        }
        return tightest
    }

    /// The headers of a 429 the emulator answers on its own (a `status` fault): the family's
    /// first window, spent.
    static func exhausted(family: EndpointFamily?, now: Double, policy: RateLimitPolicy) -> RateLimitDecision {
        let window = family.flatMap { policy.windows[$0]?.first } ?? RateLimitPolicy.Window(limit: 300, seconds: 900)
        return RateLimitDecision(allowed: false, limit: window.limit, remaining: 0, reset: Int64(now) + Int64(window.seconds))
    }

    mutating func clear() {
        counters = [:]
    }

    private static func reset(_ counter: Counter, _ window: RateLimitPolicy.Window) -> Int64 {
        Int64((counter.start + Double(window.seconds)).rounded(.up))
    }
}
