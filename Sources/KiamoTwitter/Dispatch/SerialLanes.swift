import Synchronization

/// Per-key FIFO lanes: items of one key are handed out one at a time, in the order they were
/// added, while different keys proceed independently. The dispatch engine keys them by account
/// and recipient, so replies to one customer keep their order while others go in parallel.
///
/// Whoever adds the first item of an idle key is told to start a drainer for it; the drainer
/// takes items with `next(after:)` until it is told the lane is empty (the lane is then closed
/// in the same step, so an item added afterwards starts a new drainer: none is ever stranded).
public final class SerialLanes<Key: Hashable & Sendable, Item: Sendable>: Sendable {
    private let lanes = Mutex<[Key: [Item]]>([:])

    /// No lanes yet.
    public init() {}

    /// Adds `item` at the end of `key`'s lane. True when the lane was idle: the caller must
    /// start a drainer, which gets `item` first from `next(after: key)`.
    public func enqueue(_ item: Item, key: Key) -> Bool {
        lanes.withLock { lanes in
            if lanes[key] != nil {
                lanes[key]?.append(item)
                return false
            }
            lanes[key] = [item]
            return true
        }
    }

    /// The next item of `key`'s lane, or nil when it is empty (the lane is closed then).
    public func next(after key: Key) -> Item? {
        lanes.withLock { lanes in
            guard let item = lanes[key]?.first else {
                lanes[key] = nil
                return nil
            }
            lanes[key]?.removeFirst()
            return item
        }
    }

    /// Takes the waiting item of `key`'s lane that `isWanted` picks out of its place and puts
    /// `item` (just taken with `next(after:)`) back first in the lane: the caller handles the
    /// returned item now and `item` right after it. Nil, with nothing changed, when no waiting
    /// item is wanted.
    public func promote(in key: Key, where isWanted: (Item) -> Bool, puttingBack item: Item) -> Item? {
        lanes.withLock { lanes in
            guard var items = lanes[key], let index = items.firstIndex(where: isWanted) else { return nil }
            let wanted = items.remove(at: index)
            items.insert(item, at: 0)
            lanes[key] = items
            return wanted
        }
    }

    /// True when items wait in `key`'s lane (besides the one its drainer holds).
    public func hasWaiting(_ key: Key) -> Bool {
        lanes.withLock { !($0[key]?.isEmpty ?? true) }
    }

    /// Removes and returns every waiting item (graceful shutdown hands them back); the drainers
    /// then find their lanes empty. The item a drainer holds is not in a lane any more.
    public func removeAllWaiting() -> [Item] {
        lanes.withLock { lanes in
            var waiting: [Item] = []
            for key in Array(lanes.keys) {
                waiting += lanes[key] ?? []
                lanes[key] = []
            }
            return waiting
        }
    }

    /// Removes and returns the waiting items `isGone` picks, keeping the order of the others.
    public func removeWaiting(where isGone: (Item) -> Bool) -> [Item] {
        lanes.withLock { lanes in
            var removed: [Item] = []
            for key in Array(lanes.keys) {
                guard let items = lanes[key] else { continue }
                removed += items.filter(isGone)
                lanes[key] = items.filter { !isGone($0) }
            }
            return removed
        }
    }

    /// Lanes open (idle keys are not counted) and items waiting in them.
    public var counts: (lanes: Int, waiting: Int) {
        lanes.withLock { lanes in (lanes.count, lanes.values.reduce(0) { $0 + $1.count }) }
    }
}
