import Foundation
import XAPI

/// The ingest engine's decisions, as functions of values: how far back a poll reads, which events
/// it publishes and in what order, and where the cursor may move once the broker confirmed them.
///
/// The rules (README, "Reliability"):
/// - X's lists are eventually consistent: an event may become visible up to `overlap` after it was
///   created, behind newer ones already read. Re-reading that window on every poll made a burst
///   cost its whole length in read calls on every poll for minutes (issue 18, hole 2), so a poll is
///   one of two kinds:
///   - a quick poll reads newest first only down to the cursor (everything at or below it was
///     published or recorded when it was read): one read call plus one per page of new DMs;
///   - a sweep, the first poll of a process and then one every `sweepInterval` (half the overlap),
///     reads back to `cursor − (overlap + sweepInterval)` (snowflake ids carry their creation
///     time), and the inbound ledger drops what was published. An event that becomes visible late
///     is published by the next sweep at the latest, in this process or the next one: a commit
///     never moves the cursor past `start of the last sweep that read to its floor +
///     sweepInterval` (`cursorCap`), so the next sweep's floor lies below the creation time of
///     anything that became visible after that sweep read its first page.
/// - The cursor moves only past events that are published and confirmed (or never to be
///   published): a crash re-reads, never skips. With nothing new it still follows the clock to
///   `now − overlap`, written once it moved a `sweepInterval` or more (`quietCommitDue`), so a
///   quiet account is never read further back than two and a half overlaps.
/// - First run: events older than `backfill` are recorded as seen without being published.
public struct IngestPlanner: Sendable {
    public let overlap: Duration
    public let backfill: Duration

    public init(overlap: Duration, backfill: Duration) {
        self.overlap = overlap
        self.backfill = backfill
    }

    /// How often a poll is a sweep (reads back through the overlap): half the overlap, so an
    /// event X shows late waits at most that long, and a burst costs its length in read calls a
    /// few times while it is within the overlap, not on every poll.
    public var sweepInterval: Duration { overlap / 2 }

    /// Whether the next poll is a sweep, given the time since the last completed sweep (nil: this
    /// process has not swept yet).
    public func sweepDue(sinceLastSweep elapsed: Duration?) -> Bool {
        guard let elapsed else { return true }
        return elapsed >= sweepInterval
    }

    /// The newest cursor a commit may store, given when the last sweep that read down to its floor
    /// started (nil: none yet in this process, so the first poll is a sweep and commits nothing
    /// before its reading is done; no cap then).
    public func cursorCap(lastSweepStartedAt: Date?) -> UInt64? {
        lastSweepStartedAt.map { Snowflake.firstId(at: $0.addingTimeInterval(sweepInterval.seconds)) }
    }

    /// Whether a poll that published nothing writes the cursor `next` over `previous`: always when
    /// there is none yet, it records a first run's baseline or it read past the cursor (events
    /// never to be published, such as the account's own replies: not read again), else once the
    /// clock alone moved it a `sweepInterval` or more. A cursor left behind is always safe (a poll
    /// reads down to it and the ledger drops what was published); moved by the clock on every quiet
    /// poll it cost a state write per poll and account, an eighth of the store's load at 200
    /// accounts (`scripts/bench hosts`).
    public func quietCommitDue(previous: UInt64?, next: UInt64, newestRead: UInt64?, recordsBaseline: Bool) -> Bool {
        guard let previous, !recordsBaseline else { return true }
        if let newestRead, newestRead > previous { return true }
        return Snowflake.id(next, movedBackBy: sweepInterval) >= previous
    }

    /// The id at or below which a sweep stops reading, and below which no poll publishes.
    public func floor(cursor: UInt64?, now: Date) -> UInt64 {
        if let cursor { return Snowflake.id(cursor, movedBackBy: overlap + sweepInterval) }
        return Snowflake.firstId(at: now.addingTimeInterval(-(backfill + overlap).seconds))
    }

    /// The id at or below which a poll stops reading: the floor for a sweep (and before the first
    /// commit), the cursor for a quick poll.
    public func readFloor(cursor: UInt64?, now: Date, sweep: Bool) -> UInt64 {
        guard let cursor, !sweep else { return floor(cursor: cursor, now: now) }
        return cursor
    }

    /// Whether a poll reads the page after one whose smallest id is `oldestId`.
    public func readsMore(oldestId: UInt64?, floor: UInt64, hasNextPage: Bool) -> Bool {
        guard hasNextPage, let oldestId else { return false }
        return oldestId > floor
    }

    /// What a poll does with the events it read (any order, duplicates allowed).
    ///
    /// - Parameter isSeen: whether the inbound ledger already holds an event id.
    public func plan(events: [DMEvent], cursor: UInt64?, now: Date, mapper: KiamoMessageMapper, isSeen: (String) -> Bool) -> IngestPlan {
        let floor = floor(cursor: cursor, now: now)
        let startId = cursor == nil ? Snowflake.firstId(at: now.addingTimeInterval(-backfill.seconds)) : 0
        // Ids and positions only, sorted; the events stay where they are. A drain holds tens of
        // thousands of events: a dictionary of them, its sorted copy and a growing array of
        // (id, event) pairs were 12 MiB at the drain's peak (heaptrack, 20,000 DMs), for what
        // this index does in 0.3 (issue 17, item 8). A repeated id keeps its last reading.
        var order: [(id: UInt64, index: Int)] = []
        order.reserveCapacity(events.count)
        for (index, event) in events.enumerated() {
            guard let id = Snowflake.parse(event.id), id > floor else { continue }
            order.append((id, index))
        }
        order.sort { ($0.id, $0.index) < ($1.id, $1.index) }
        var readIds: [UInt64] = []
        readIds.reserveCapacity(order.count)
        // Sized once: growing by doubling held the old and the new buffer at once, at the peak.
        var publish: [DMEvent] = []
        publish.reserveCapacity(order.count)
        var publishIds: [UInt64] = []
        publishIds.reserveCapacity(order.count)
        var baseline: [String] = []
        var skipped: [(DMEvent, KiamoMessageMapper.Skip)] = []
        for (position, entry) in order.enumerated() {
            if position + 1 < order.count, order[position + 1].id == entry.id { continue }
            let (id, event) = (entry.id, events[entry.index])
            readIds.append(id)
            if let reason = mapper.skipReason(event) {
                skipped.append((event, reason))
            } else if isSeen(event.id) {
                continue
            } else if id < startId {
                baseline.append(event.id)
            } else {
                publish.append(event)
                publishIds.append(id)
            }
        }
        let invalid = events.filter { Snowflake.parse($0.id) == nil }.map { ($0, KiamoMessageMapper.Skip.invalidId) }
        return IngestPlan(
            publish: publish,
            publishIds: publishIds,
            baseline: baseline,
            skipped: invalid + skipped,
            readIds: readIds,
            previousCursor: cursor,
            clockCursor: Snowflake.firstId(at: now.addingTimeInterval(-overlap.seconds))
        )
    }
}

/// One poll's decisions (`IngestPlanner.plan`).
public struct IngestPlan: Sendable {
    /// Events to publish, oldest first (so each conversation keeps its order).
    public let publish: [DMEvent]
    let publishIds: [UInt64]
    /// First run: ids recorded as seen without publishing (older than the backfill window).
    public let baseline: [String]
    /// Events not published, with the reason (logged).
    public let skipped: [(DMEvent, KiamoMessageMapper.Skip)]
    /// Every id read past the floor, ascending.
    let readIds: [UInt64]
    public let previousCursor: UInt64?
    /// `now − overlap`: where the cursor may go when nothing newer was read.
    let clockCursor: UInt64

    /// The cursor to commit once the first `confirmed` events of `publish` are confirmed by the
    /// broker: past everything read when all are, else just below the first unconfirmed one.
    public func cursor(confirmedPrefix confirmed: Int) -> UInt64 {
        let previous = previousCursor ?? 0
        guard confirmed < publishIds.count else {
            return max(previous, readIds.last ?? 0, clockCursor)
        }
        let firstUnconfirmed = publishIds[max(confirmed, 0)]
        let below = readIds.last { $0 < firstUnconfirmed } ?? 0
        return max(previous, below)
    }
}
