import Foundation
import Synchronization

/// Keeps replies to one recipient in order when one of them goes round a retry tier.
///
/// The lanes post a recipient's commands one after another, but a command parked in a retry tier
/// leaves its lane: without this, the next reply to that customer would be posted before it. So
/// once a command of a lane is parked, the lane's later commands are parked behind it, in the
/// same tier: one retry queue is first in, first out, and they come back after it. A lane's parked
/// commands form a line; its head is posted when it comes back, the others are parked again
/// behind it until it is settled.
///
/// What this process knows only: another replica may take the head's copy, and a restart forgets
/// the line. So each entry expires a while after its copy should have come back
/// (`tier + grace`), and the line then moves on without it: the order is kept through retries in
/// one process, and is best effort across replicas and restarts.
public final class RecipientOrder: Sendable {
    /// What to do with a command about to be posted.
    public enum Admission: Sendable, Hashable {
        /// Post it (`ticket` goes to `finished`).
        case go(ticket: UInt64)
        /// An earlier reply to the same recipient waits in `tier`: park this one there too.
        case parkBehind(tier: Duration)
    }

    private struct Entry {
        let commandId: String
        var tier: Duration
        var deadline: Date
        /// When it was last parked, from `counter`: a handling that began before it was not the
        /// one that parked it.
        var parkedTicket: UInt64
    }

    private struct State {
        var lines: [String: [Entry]] = [:]
        var counter: UInt64 = 0
    }

    private let state = Mutex(State())
    private let grace: @Sendable (Duration) -> Duration

    /// `grace(tier)`: how long after its copy should be back an entry is still waited for.
    public init(grace: @escaping @Sendable (Duration) -> Duration = { tier in .seconds(30) + tier / 2 }) {
        self.grace = grace
    }

    /// Called before a command of `lane` is claimed and posted.
    public func admit(lane: String, commandId: String, now: Date) -> Admission {
        state.withLock { state in
            state.counter += 1
            let ticket = state.counter
            var line = (state.lines[lane] ?? []).filter { $0.deadline > now }
            defer { state.lines[lane] = line.isEmpty ? nil : line }
            guard let head = line.first, head.commandId != commandId else { return .go(ticket: ticket) }
            place(commandId, tier: head.tier, now: now, ticket: ticket, in: &line)
            return .parkBehind(tier: head.tier)
        }
    }

    /// A command admitted with `.go` was parked in `tier` (a failure, a rate limit, a claim held
    /// elsewhere): later replies of its lane now wait behind it.
    public func parked(lane: String, commandId: String, tier: Duration, now: Date) {
        state.withLock { state in
            state.counter += 1
            let ticket = state.counter
            var line = state.lines[lane] ?? []
            place(commandId, tier: tier, now: now, ticket: ticket, in: &line)
            state.lines[lane] = line
        }
    }

    /// A command admitted with `ticket` was settled (sent, or dead-lettered) unless it was parked
    /// since: it leaves the line, and the next one may go when it comes back.
    public func finished(lane: String, commandId: String, ticket: UInt64) {
        state.withLock { state in
            guard var line = state.lines[lane],
                  let index = line.firstIndex(where: { $0.commandId == commandId }),
                  line[index].parkedTicket < ticket else { return }
            line.remove(at: index)
            state.lines[lane] = line.isEmpty ? nil : line
        }
    }

    /// Lines open and commands waiting in them (tests, metrics).
    public var counts: (lines: Int, waiting: Int) {
        state.withLock { state in (state.lines.count, state.lines.values.reduce(0) { $0 + $1.count }) }
    }

    /// Records `commandId` as parked in `tier` now: updated where it stands, or at the end.
    private func place(_ commandId: String, tier: Duration, now: Date, ticket: UInt64, in line: inout [Entry]) {
        let deadline = now + Self.timeInterval(tier + grace(tier))
        if let index = line.firstIndex(where: { $0.commandId == commandId }) {
            line[index].tier = tier
            line[index].deadline = deadline
            line[index].parkedTicket = ticket
        } else {
            line.append(Entry(commandId: commandId, tier: tier, deadline: deadline, parkedTicket: ticket))
        }
    }

    private static func timeInterval(_ duration: Duration) -> TimeInterval {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
