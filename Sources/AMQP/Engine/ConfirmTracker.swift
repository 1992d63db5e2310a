import DequeModule

/// Publisher-confirm bookkeeping for one channel: hands out delivery tags in publish order and
/// settles them when the broker's `basic.ack` / `basic.nack` arrive (`multiple` settles every
/// outstanding tag up to and including the one given).
///
/// A pure value: the connection thread owns it; tests drive it without a broker.
struct ConfirmTracker<Waiter> {
    /// How one publish ended.
    enum Outcome {
        /// The broker took responsibility for it.
        case acked
        /// The broker acked it but returned it first (`mandatory`, unroutable): a failure.
        case returned(AMQPError)
        /// The broker refused it.
        case nacked
    }

    private struct Entry {
        var waiter: Waiter
        var returned: AMQPError?
    }

    /// The tag the next publish gets (tags start at 1 after `confirm.select`).
    private(set) var nextTag: UInt64 = 1
    /// Tag of `entries.first`.
    private var base: UInt64 = 1
    /// Outstanding publishes by `tag - base`; nil once settled out of order.
    private var entries: Deque<Entry?> = []
    /// How many publishes await their confirm.
    private(set) var outstanding = 0

    init() {}

    /// Registers the next publish and returns its delivery tag.
    mutating func register(_ waiter: Waiter) -> UInt64 {
        let tag = nextTag
        nextTag += 1
        if entries.isEmpty { base = tag }
        entries.append(Entry(waiter: waiter))
        outstanding += 1
        return tag
    }

    /// Records that the publish with `tag` came back unroutable; its ack will fail it.
    mutating func markReturned(tag: UInt64, error: AMQPError) {
        guard tag >= base, tag - base < UInt64(entries.count) else { return }
        entries[Int(tag - base)]?.returned = error
    }

    /// Settles `tag` (and every earlier outstanding tag when `multiple`); returns the waiters in
    /// tag order with their outcome. Unknown tags are ignored.
    mutating func settle(tag: UInt64, multiple: Bool, ack: Bool) -> [(Waiter, Outcome)] {
        var settled: [(Waiter, Outcome)] = []
        func outcome(_ entry: Entry) -> Outcome {
            if !ack { return .nacked }
            if let returned = entry.returned { return .returned(returned) }
            return .acked
        }
        if multiple {
            while let first = entries.first, base <= tag {
                entries.removeFirst()
                base += 1
                if let entry = first {
                    settled.append((entry.waiter, outcome(entry)))
                }
            }
        } else if tag >= base, tag - base < UInt64(entries.count), let entry = entries[Int(tag - base)] {
            entries[Int(tag - base)] = nil
            settled.append((entry.waiter, outcome(entry)))
        }
        outstanding -= settled.count
        trimSettledFront()
        return settled
    }

    /// Removes every outstanding publish (connection or channel lost) and starts tags again at 1,
    /// as the broker does on the next `confirm.select`.
    mutating func reset() -> [Waiter] {
        let waiters = entries.compactMap { $0?.waiter }
        entries.removeAll()
        nextTag = 1
        base = 1
        outstanding = 0
        return waiters
    }

    private mutating func trimSettledFront() {
        while let first = entries.first, first == nil {
            entries.removeFirst()
            base += 1
        }
        if entries.isEmpty { base = nextTag }
    }
}
