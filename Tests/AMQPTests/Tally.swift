import Foundation

/// Counts what concurrent publishers and consumers saw, for assertions after the fact.
actor Tally {
    private(set) var confirmed: Set<String> = []
    private(set) var received: [String: Int] = [:]
    private(set) var failures: [String] = []
    private var next = 0

    /// The next message number, or nil once `limit` were handed out.
    func take(limit: Int) -> Int? {
        guard next < limit else { return nil }
        defer { next += 1 }
        return next
    }

    private var stopAfter: Int?
    private(set) var confirmedAtReconnect = 0

    /// The next message number, until `extra` more were confirmed after `markReconnected`.
    func takeUntilEnough() -> Int? {
        if let stopAfter, confirmed.count >= stopAfter { return nil }
        guard next < 200_000 else { return nil } // a bound, should the reconnect never come
        defer { next += 1 }
        return next
    }

    func markReconnected(extra: Int) {
        confirmedAtReconnect = confirmed.count
        stopAfter = confirmed.count + extra
    }

    func confirm(_ id: String) { confirmed.insert(id) }
    func receive(_ id: String) { received[id, default: 0] += 1 }
    func fail(_ why: String) { failures.append(why) }
    var confirmedCount: Int { confirmed.count }
    var distinctReceived: Int { received.count }
    var duplicates: Int { received.values.filter { $0 > 1 }.count }
}
