/// Events in ascending id order (so ascending creation time), with the page arithmetic of X's
/// lists: newest first, bounded by the history window, filtered by event type.
struct Timeline: Sendable {
    private(set) var events: [DMEvent] = []

    /// Inserts keeping the order: appending when the event is the newest (the usual case), else a
    /// binary-searched insertion (a DM created in the past, X's eventual consistency).
    mutating func insert(_ event: DMEvent) {
        if let last = events.last, last.id > event.id {
            events.insert(event, at: lowerBound(event.id))
        } else {
            events.append(event)
        }
    }

    /// Appends many events, then restores the order once.
    mutating func insert(contentsOf batch: [DMEvent]) {
        let wasSorted = events.last.map { last in batch.first.map { $0.id > last.id } ?? true } ?? true
        events.append(contentsOf: batch)
        if !wasSorted || !batch.isSortedByID { events.sort { $0.id < $1.id } }
    }

    /// What to read.
    struct Query: Sendable {
        var kinds: Set<DMEventKind>
        var limit: Int
        var token: PageToken?
        /// Events below this id are outside the history window.
        var oldestVisibleID: UInt64
        /// Only one-to-one messages (the v1.1 dialect).
        var oneToOneOnly = false
    }

    /// One page, newest first, and whether more exist on either side of it.
    struct Page: Sendable {
        var events: [DMEvent]
        var hasOlder: Bool
        var hasNewer: Bool
    }

    func page(_ query: Query) -> Page {
        func matches(_ event: DMEvent) -> Bool {
            query.kinds.contains(event.kind) && (!query.oneToOneOnly || event.isOneToOne)
        }
        var result: [DMEvent] = []
        result.reserveCapacity(min(query.limit, events.count))
        switch query.token?.direction {
        case nil, .older:
            var index = query.token.map { lowerBound($0.anchor) } ?? events.count
            var hasOlder = false
            while index > 0 {
                index -= 1
                let event = events[index]
                if event.id < query.oldestVisibleID { break }
                guard matches(event) else { continue }
                if result.count == query.limit {
                    hasOlder = true
                    break
                }
                result.append(event)
            }
            let hasNewer = query.token != nil && anyMatch(above: result.first?.id ?? query.token?.anchor ?? 0, matches)
            return Page(events: result, hasOlder: hasOlder, hasNewer: hasNewer)
        case .newer:
            guard let anchor = query.token?.anchor else { return Page(events: [], hasOlder: false, hasNewer: false) }
            var index = upperBound(anchor)
            var stoppedEarly = false
            while index < events.count {
                let event = events[index]
                index += 1
                guard event.id >= query.oldestVisibleID, matches(event) else { continue }
                if result.count == query.limit { stoppedEarly = true; break }
                result.append(event)
            }
            result.reverse()
            let oldest = result.last?.id ?? anchor &+ 1
            let hasOlder = anyMatch(below: lowerBound(oldest), query: query, matches)
            return Page(events: result, hasOlder: hasOlder, hasNewer: stoppedEarly)
        }
    }

    /// Whether a matching, visible event sits below `index`.
    private func anyMatch(below index: Int, query: Query, _ matches: (DMEvent) -> Bool) -> Bool {
        var index = index
        while index > 0 {
            index -= 1
            if events[index].id < query.oldestVisibleID { return false }
            if matches(events[index]) { return true }
        }
        return false
    }

    /// Whether a matching event is newer than `id`.
    private func anyMatch(above id: UInt64, _ matches: (DMEvent) -> Bool) -> Bool {
        var index = upperBound(id)
        while index < events.count {
            if matches(events[index]) { return true }
            index += 1
        }
        return false
    }

    /// First index whose id is `>= id`.
    func lowerBound(_ id: UInt64) -> Int {
        var low = 0
        var high = events.count
        while low < high {
            let middle = (low + high) / 2
            if events[middle].id < id { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// First index whose id is `> id`.
    func upperBound(_ id: UInt64) -> Int {
        var low = 0
        var high = events.count
        while low < high {
            let middle = (low + high) / 2
            if events[middle].id <= id { low = middle + 1 } else { high = middle }
        }
        return low
    }
}

extension Array where Element == DMEvent {
    fileprivate var isSortedByID: Bool {
        zip(self, dropFirst()).allSatisfy { $0.id < $1.id }
    }
}
