/// Publisher-confirm bookkeeping for one channel: hands out delivery tags in publish order and
/// settles them when the broker's `basic.ack` / `basic.nack` arrive (`multiple` settles every
/// outstanding tag up to and including the one given).
///
/// A pure value: the connection thread owns it; tests drive it without a broker.
///
/// Kept in a plain array read from a moving start, the waiters alone in it: a publish registers
/// once and settles once, and this is on every publish's path. The first version held
/// `Deque<Entry?>` with the returned error in each entry, and handed back an array of tuples:
/// callgrind counted about 3,500 instructions a publish there, in value witnesses (an optional
/// entry, its `AMQPError?`, the tuples' generic destroy) rather than in any work.
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

    /// The tag the next publish gets (tags start at 1 after `confirm.select`).
    private(set) var nextTag: UInt64 = 1
    /// Tag of `waiters[start]`.
    private var base: UInt64 = 1
    /// Outstanding publishes from `start` on, by `tag - base`; nil once settled out of order.
    private var waiters: [Waiter?] = []
    private var start = 0
    /// Publishes the broker returned (`basic.return`) before confirming them: rare, so apart.
    private var returned: [UInt64: AMQPError] = [:]
    /// How many publishes await their confirm.
    private(set) var outstanding = 0

    init() {}

    /// Registers the next publish and returns its delivery tag.
    mutating func register(_ waiter: consuming Waiter) -> UInt64 {
        let tag = nextTag
        nextTag += 1
        if start == waiters.count { base = tag }
        waiters.append(waiter)
        outstanding += 1
        return tag
    }

    /// Records that the publish with `tag` came back unroutable; its ack will fail it.
    mutating func markReturned(tag: UInt64, error: AMQPError) {
        guard let index = index(of: tag), waiters[index] != nil else { return }
        returned[tag] = error
    }

    /// Settles `tag` (and every earlier outstanding tag when `multiple`), passing each waiter
    /// with its outcome to `each`, in tag order. Unknown tags are ignored.
    mutating func settle(tag: UInt64, multiple: Bool, ack: Bool, _ each: (Waiter, Outcome) -> Void) {
        if multiple {
            while start < waiters.count, base <= tag {
                let waiter = waiters[start]
                waiters[start] = nil
                if let waiter { finish(waiter, tag: base, ack: ack, each) }
                start += 1
                base += 1
            }
        } else if let index = index(of: tag), let waiter = waiters[index] {
            waiters[index] = nil
            finish(waiter, tag: tag, ack: ack, each)
        }
        trimSettledFront()
    }

    /// `settle`, collected (the tests read it so).
    mutating func settle(tag: UInt64, multiple: Bool, ack: Bool) -> [(Waiter, Outcome)] {
        var settled: [(Waiter, Outcome)] = []
        settle(tag: tag, multiple: multiple, ack: ack) { settled.append(($0, $1)) }
        return settled
    }

    /// Removes every outstanding publish (connection or channel lost) and starts tags again at 1,
    /// as the broker does on the next `confirm.select`.
    mutating func reset() -> [Waiter] {
        let pending = waiters[start...].compactMap { $0 }
        waiters.removeAll()
        start = 0
        returned.removeAll()
        nextTag = 1
        base = 1
        outstanding = 0
        return pending
    }

    private func index(of tag: UInt64) -> Int? {
        guard tag >= base, tag - base < UInt64(waiters.count - start) else { return nil }
        return start + Int(tag - base)
    }

    private mutating func finish(_ waiter: Waiter, tag: UInt64, ack: Bool, _ each: (Waiter, Outcome) -> Void) {
        outstanding -= 1
        if !returned.isEmpty, let error = returned.removeValue(forKey: tag) {
            each(waiter, ack ? .returned(error) : .nacked)
        } else {
            each(waiter, ack ? .acked : .nacked)
        }
    }

    /// Moves the start past settled waiters; the storage is reused once everything is settled,
    /// and compacted when the settled front grows past half of it.
    private mutating func trimSettledFront() {
        while start < waiters.count, waiters[start] == nil {
            start += 1
            base += 1
        }
        if start == waiters.count {
            waiters.removeAll(keepingCapacity: true)
            start = 0
            base = nextTag
        } else if start >= 1024, start * 2 >= waiters.count {
            waiters.removeFirst(start)
            start = 0
        }
    }
}
