import Foundation
import XAPI

/// The ingest engine's decisions, as functions of values: how far back a poll reads, which events
/// it publishes and in what order, and where the cursor may move once the broker confirmed them.
///
/// The rules (README, "Reliability"):
/// - X's lists are eventually consistent: an event may become visible up to `overlap` after it was
///   created, behind newer ones already read. Each poll therefore reads back to `cursor − overlap`
///   (snowflake ids carry their creation time) and the inbound ledger drops what was published.
/// - The cursor moves only past events that are published and confirmed (or never to be
///   published): a crash re-reads, never skips. With nothing new it still follows the clock to
///   `now − overlap`, so a quiet account is never read further back than twice the overlap.
/// - First run: events older than `backfill` are recorded as seen without being published.
public struct IngestPlanner: Sendable {
    public let overlap: Duration
    public let backfill: Duration

    public init(overlap: Duration, backfill: Duration) {
        self.overlap = overlap
        self.backfill = backfill
    }

    /// The id at or below which a poll stops reading.
    public func floor(cursor: UInt64?, now: Date) -> UInt64 {
        if let cursor { return Snowflake.id(cursor, movedBackBy: overlap) }
        return Snowflake.firstId(at: now.addingTimeInterval(-(backfill + overlap).seconds))
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
        var byId: [UInt64: DMEvent] = [:]
        for event in events {
            guard let id = Snowflake.parse(event.id), id > floor else { continue }
            byId[id] = event
        }
        var publish: [(UInt64, DMEvent)] = []
        var baseline: [String] = []
        var skipped: [(DMEvent, KiamoMessageMapper.Skip)] = []
        for (id, event) in byId.sorted(by: { $0.key < $1.key }) {
            if let reason = mapper.skipReason(event) {
                skipped.append((event, reason))
            } else if isSeen(event.id) {
                continue
            } else if id < startId {
                baseline.append(event.id)
            } else {
                publish.append((id, event))
            }
        }
        let invalid = events.filter { Snowflake.parse($0.id) == nil }.map { ($0, KiamoMessageMapper.Skip.invalidId) }
        return IngestPlan(
            publish: publish.map(\.1),
            publishIds: publish.map(\.0),
            baseline: baseline,
            skipped: invalid + skipped,
            readIds: byId.keys.sorted(),
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
