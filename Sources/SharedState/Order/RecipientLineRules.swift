import Foundation

/// The recipient line's rules as functions of values, shared by every backend.
///
/// The lanes of one process post a recipient's commands one after another, but a command parked
/// in a retry tier leaves its lane, and its copy may come back to another process: without a
/// line every process sees, the next reply to that customer would be posted before it. So a
/// command admitted to be posted is the head of its recipient's line until it settles (sent or
/// dead-lettered); once parked, later commands of that recipient are parked behind it, in its
/// tier (one retry queue is first in, first out, so they come back after it). Only the head is
/// posted; a follower that comes back while the head is being posted, or is due back, waits for
/// it instead of parking again for a whole tier.
///
/// The backend reads the line and the ticket counter, applies a rule and writes the result in
/// one transaction, so two processes deciding at once are serialised.
public enum RecipientLineRules {
    /// How long entries are waited for.
    public struct Timing: Sendable, Hashable {
        /// Added to a parked entry's tier before the line moves on without it...
        public var grace: Duration
        /// ...plus this share of its tier (a long tier's copy may be late by more).
        public var graceShareOfTier: Double

        /// Timings.
        public init(grace: Duration = .seconds(30), graceShareOfTier: Double = 0.5) {
            self.grace = grace
            self.graceShareOfTier = graceShareOfTier
        }

        /// How long after its copy should be back a parked entry is still waited for.
        public func grace(for tier: Duration) -> Duration {
            grace + tier * graceShareOfTier
        }
    }

    /// An admission and the line to write.
    public struct Admitted: Sendable, Hashable {
        /// What the caller does.
        public var admission: RecipientLineAdmission
        /// The line to store (empty: none).
        public var line: [RecipientLineEntry]
    }

    /// `commandId` arrived in a dispatch process (delivered by the broker, not yet asked to be
    /// posted): it takes its place at the end of the line, or keeps the one it has (a redelivery,
    /// or a parked copy back from its tier). Replies to one customer reach the processes in the
    /// queue's order, but each process may hold one for seconds before asking (a lane behind an
    /// earlier reply, a suspect command handled alone, a slow store): a place taken only on asking
    /// would let a later reply, asking first in the other process, go first. `posting` bounds how
    /// long the place is kept if its process dies before asking.
    public static func joined(_ line: [RecipientLineEntry], commandId: String, posting: Duration, now: Date) -> [RecipientLineEntry] {
        var line = line.filter { $0.expiresAt > now }
        let keptUntil = now.addingTimeInterval(posting.seconds)
        if let index = line.firstIndex(where: { $0.commandId == commandId }) {
            line[index].expiresAt = max(line[index].expiresAt, keptUntil)
        } else {
            line.append(RecipientLineEntry(commandId: commandId, expiresAt: keptUntil))
        }
        return line
    }

    /// `commandId` still waits in a live process that holds its delivery (in its lane, at the
    /// suspect gate): its place, if it has one, is kept for another `posting` from `now`. The
    /// place taken on arrival lasts one posting window, so that a dead process's commands do not
    /// hold the line for long; a live process renews it every third of that window, however long
    /// the command waits (a lane behind slow posts held one for longer, and a later reply reaching
    /// the other process went first). A command without a place gets none here: it takes one at
    /// the end when it asks.
    public static func kept(_ line: [RecipientLineEntry], commandId: String, posting: Duration, now: Date) -> [RecipientLineEntry] {
        var line = line.filter { $0.expiresAt > now }
        if let index = line.firstIndex(where: { $0.commandId == commandId }) {
            line[index].expiresAt = max(line[index].expiresAt, now.addingTimeInterval(posting.seconds))
        }
        return line
    }

    /// `commandId` was handed back to the broker before it asked (graceful shutdown): its place
    /// goes, unless it was admitted or parked since it arrived. The broker requeues what a process
    /// hands back in an order of its own, and a place kept from before would hold the others
    /// behind a copy that now comes late, at the cost of a trip round a retry tier for each.
    public static func withdrawn(_ line: [RecipientLineEntry], commandId: String, now: Date) -> [RecipientLineEntry] {
        line.filter { $0.expiresAt > now && !($0.commandId == commandId && $0.isWaitingToAsk) }
    }

    /// `commandId` asks to be posted, with the next store-wide `ticket`. Expired entries leave
    /// first. The head (or a command with an empty line) goes, and is the head being posted;
    /// another command keeps its place in the line (taking one at the end if it has none) and
    /// waits (`mayWait`) while the head is being posted, is due back or waits to ask in its own
    /// process, and is otherwise parked behind it, in its tier (`fallbackTier` behind a head never
    /// parked). Only the head ever goes: whichever process asks first once the head leaves, the
    /// next in the line is the next posted.
    /// `posting`: how long an admitted head is taken to be still posting (a post with its waits
    /// and verification); past it, its process is taken for dead and the line moves on.
    public static func admit(
        _ line: [RecipientLineEntry], commandId: String, ticket: UInt64, mayWait: Bool, fallbackTier: Duration,
        posting: Duration, now: Date, timing: Timing
    ) -> Admitted {
        var line = line.filter { $0.expiresAt > now }
        guard let head = line.first, head.commandId != commandId else {
            var entry = line.first ?? RecipientLineEntry(commandId: commandId, expiresAt: now)
            entry.admittedTicket = ticket
            entry.admittedAt = now
            entry.expiresAt = max(entry.expiresAt, now.addingTimeInterval(posting.seconds))
            if line.isEmpty { line = [entry] } else { line[0] = entry }
            return Admitted(admission: .go(ticket: ticket), line: line)
        }
        if mayWait {
            // Its place is kept while it waits, ahead of any reply that asks later.
            line = joined(line, commandId: commandId, posting: posting, now: now)
            if head.isBeingPosted(now: now, within: posting) || head.isWaitingToAsk {
                return Admitted(admission: .waitForHead(beingPosted: true), line: line)
            }
            if head.isDue(now: now) { return Admitted(admission: .waitForHead(beingPosted: false), line: line) }
        }
        let tier = head.tier ?? fallbackTier
        place(commandId, tier: tier, ticket: ticket, now: now, timing: timing, in: &line)
        return Admitted(admission: .parkBehind(tier: tier), line: line)
    }

    /// A command admitted to go was parked in `tier` (a failure, a rate limit, a claim held
    /// elsewhere) with `ticket`: it stays (or is placed) in the line, and later replies wait
    /// behind it.
    public static func parked(
        _ line: [RecipientLineEntry], commandId: String, tier: Duration, ticket: UInt64, now: Date, timing: Timing
    ) -> [RecipientLineEntry] {
        var line = line.filter { $0.expiresAt > now }
        place(commandId, tier: tier, ticket: ticket, now: now, timing: timing, in: &line)
        return line
    }

    /// A command admitted with `ticket` was settled (sent, or dead-lettered): it leaves the line
    /// unless it was parked since (by a later handling of the same command).
    public static func finished(_ line: [RecipientLineEntry], commandId: String, ticket: UInt64, now: Date) -> [RecipientLineEntry] {
        line.filter { entry in
            entry.expiresAt > now && !(entry.commandId == commandId && entry.parkedTicket < ticket)
        }
    }

    /// Records `commandId` as parked in `tier` now: updated where it stands, or at the end.
    private static func place(
        _ commandId: String, tier: Duration, ticket: UInt64, now: Date, timing: Timing,
        in line: inout [RecipientLineEntry]
    ) {
        let expiresAt = now.addingTimeInterval((tier + timing.grace(for: tier)).seconds)
        if let index = line.firstIndex(where: { $0.commandId == commandId }) {
            line[index].tier = tier
            line[index].parkedAt = now
            line[index].parkedTicket = ticket
            line[index].expiresAt = expiresAt
        } else {
            line.append(RecipientLineEntry(commandId: commandId, tier: tier, parkedAt: now, parkedTicket: ticket, expiresAt: expiresAt))
        }
    }
}
