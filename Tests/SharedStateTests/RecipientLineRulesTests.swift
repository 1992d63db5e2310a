import Foundation
import SharedState
import Testing

/// The recipient line's rules, without a store: the harness keeps the lines and the store-wide
/// ticket counter in memory as a backend keeps them in one transaction. (These were the
/// in-memory `RecipientOrder`'s tests; the line now lives in the state store.)
@Suite struct RecipientLineRulesTests {
    let start = Date(timeIntervalSince1970: 1_700_000_000)

    /// The lines and the counter, applied as a backend applies them.
    final class Lines {
        let timing = RecipientLineRules.Timing(grace: .seconds(5), graceShareOfTier: 0)
        let fallbackTier: Duration = .seconds(1)
        var lines: [String: [RecipientLineEntry]] = [:]
        var counter: UInt64 = 0

        func admit(lane: String, commandId: String, now: Date, mayWait: Bool = false) -> RecipientLineAdmission {
            counter += 1
            let decided = RecipientLineRules.admit(
                lines[lane] ?? [], commandId: commandId, ticket: counter, mayWait: mayWait,
                fallbackTier: fallbackTier, posting: .seconds(60), now: now, timing: timing)
            lines[lane] = decided.line.isEmpty ? nil : decided.line
            return decided.admission
        }

        func joined(lane: String, commandId: String, now: Date) {
            lines[lane] = RecipientLineRules.joined(lines[lane] ?? [], commandId: commandId, posting: .seconds(60), now: now)
        }

        func parked(lane: String, commandId: String, tier: Duration, now: Date) {
            counter += 1
            lines[lane] = RecipientLineRules.parked(lines[lane] ?? [], commandId: commandId, tier: tier, ticket: counter, now: now, timing: timing)
        }

        func finished(lane: String, commandId: String, ticket: UInt64, now: Date) {
            let line = RecipientLineRules.finished(lines[lane] ?? [], commandId: commandId, ticket: ticket, now: now)
            lines[lane] = line.isEmpty ? nil : line
        }

        var counts: (lines: Int, waiting: Int) { (lines.count, lines.values.reduce(0) { $0 + $1.count }) }
    }

    let order = Lines()

    private func ticket(_ admission: RecipientLineAdmission) throws -> UInt64 {
        guard case .go(let ticket) = admission else { throw Unexpected(admission: admission) }
        return ticket
    }

    private struct Unexpected: Error { let admission: RecipientLineAdmission }

    @Test func withNothingParkedEveryCommandGoesAndLeavesNoLine() throws {
        let first = try ticket(order.admit(lane: "1/9", commandId: "a", now: start))
        order.finished(lane: "1/9", commandId: "a", ticket: first, now: start)
        let second = try ticket(order.admit(lane: "1/9", commandId: "b", now: start))
        order.finished(lane: "1/9", commandId: "b", ticket: second, now: start)
        #expect(order.counts.lines == 0)
    }

    @Test func laterRepliesWaitBehindAParkedOneInItsTierAndGoInOrderOnceItIsSent() throws {
        let a = try ticket(order.admit(lane: "1/9", commandId: "a", now: start))
        order.parked(lane: "1/9", commandId: "a", tier: .seconds(10), now: start)
        order.finished(lane: "1/9", commandId: "a", ticket: a, now: start) // parked during this handling: stays
        #expect(order.admit(lane: "1/9", commandId: "b", now: start + 1, mayWait: true) == .parkBehind(tier: .seconds(10)))
        #expect(order.admit(lane: "1/9", commandId: "c", now: start + 2, mayWait: true) == .parkBehind(tier: .seconds(10)))
        // Another recipient is not held up.
        _ = try ticket(order.admit(lane: "1/8", commandId: "x", now: start + 2))

        // a comes back first (same retry queue) and is being posted: c, back meanwhile, waits
        // for it rather than parking for another tier (or parks when it may not wait longer).
        let aAgain = try ticket(order.admit(lane: "1/9", commandId: "a", now: start + 10))
        #expect(order.admit(lane: "1/9", commandId: "c", now: start + 10.5, mayWait: true) == .waitForHead(beingPosted: true))
        #expect(order.admit(lane: "1/9", commandId: "c", now: start + 10.5) == .parkBehind(tier: .seconds(10)))
        order.finished(lane: "1/9", commandId: "a", ticket: aAgain, now: start + 10.6)
        // b is the head now, due back: c waits for it; b goes, then c.
        #expect(order.admit(lane: "1/9", commandId: "c", now: start + 11, mayWait: true) == .waitForHead(beingPosted: false))
        let b = try ticket(order.admit(lane: "1/9", commandId: "b", now: start + 11.5))
        order.finished(lane: "1/9", commandId: "b", ticket: b, now: start + 11.6)
        let c = try ticket(order.admit(lane: "1/9", commandId: "c", now: start + 11.7, mayWait: true))
        order.finished(lane: "1/9", commandId: "c", ticket: c, now: start + 11.8)
        #expect(order.counts.lines == 1) // x of 1/8, never finished here
    }

    @Test func aHeadBeingPostedHoldsTheRepliesBehindItInEveryProcess() throws {
        // Admitted, not yet settled: a reply of the same recipient (handled by another process)
        // waits for it, then goes once it is sent.
        let a = try ticket(order.admit(lane: "1/9", commandId: "a", now: start))
        #expect(order.admit(lane: "1/9", commandId: "b", now: start + 0.1, mayWait: true) == .waitForHead(beingPosted: true))
        order.finished(lane: "1/9", commandId: "a", ticket: a, now: start + 0.2)
        _ = try ticket(order.admit(lane: "1/9", commandId: "b", now: start + 0.3, mayWait: true))
    }

    @Test func aReplyWaitingForTheHeadKeepsItsPlaceAheadOfALaterOneAskingFromAnotherProcess() throws {
        // Seed 207892: reply 9 waits (process A) for head 8, reply 10 (process B) asks while 8 is
        // being posted, and asks first once 8 is sent: it goes after 9, whichever polls first.
        let eight = try ticket(order.admit(lane: "1/9", commandId: "8", now: start))
        #expect(order.admit(lane: "1/9", commandId: "9", now: start + 0.1, mayWait: true) == .waitForHead(beingPosted: true))
        #expect(order.admit(lane: "1/9", commandId: "10", now: start + 0.15, mayWait: true) == .waitForHead(beingPosted: true))
        order.finished(lane: "1/9", commandId: "8", ticket: eight, now: start + 0.2)
        #expect(order.admit(lane: "1/9", commandId: "10", now: start + 0.21, mayWait: true) == .waitForHead(beingPosted: true))
        let nine = try ticket(order.admit(lane: "1/9", commandId: "9", now: start + 0.22, mayWait: true))
        order.finished(lane: "1/9", commandId: "9", ticket: nine, now: start + 0.3)
        _ = try ticket(order.admit(lane: "1/9", commandId: "10", now: start + 0.31, mayWait: true))
    }

    @Test func aReplyThatArrivedFirstGoesFirstThoughALaterOneAsksFirstAndAParkedCopyKeepsItsPlace() throws {
        order.joined(lane: "1/9", commandId: "6", now: start) // process A, held there a while
        order.joined(lane: "1/9", commandId: "7", now: start + 0.01) // process B, asks at once
        #expect(order.admit(lane: "1/9", commandId: "7", now: start + 0.02, mayWait: true) == .waitForHead(beingPosted: true))
        // B gives up waiting and parks 7 behind 6 (never parked: the first tier).
        #expect(order.admit(lane: "1/9", commandId: "7", now: start + 10) == .parkBehind(tier: .seconds(1)))
        let six = try ticket(order.admit(lane: "1/9", commandId: "6", now: start + 10.1, mayWait: true))
        order.joined(lane: "1/9", commandId: "7", now: start + 11) // its copy is back: same place
        #expect(order.lines["1/9"]?.map(\.commandId) == ["6", "7"])
        order.finished(lane: "1/9", commandId: "6", ticket: six, now: start + 11.1)
        _ = try ticket(order.admit(lane: "1/9", commandId: "7", now: start + 11.2, mayWait: true))
    }

    @Test func aReplyHandedBackBeforeItAskedGivesUpItsPlaceButAParkedOneKeepsIt() throws {
        order.joined(lane: "1/9", commandId: "a", now: start)
        order.parked(lane: "1/9", commandId: "a", tier: .seconds(1), now: start)
        order.joined(lane: "1/9", commandId: "b", now: start)
        order.joined(lane: "1/9", commandId: "c", now: start)
        for id in ["a", "b"] {
            order.lines["1/9"] = RecipientLineRules.withdrawn(order.lines["1/9"] ?? [], commandId: id, now: start + 0.1)
        }
        #expect(order.lines["1/9"]?.map(\.commandId) == ["a", "c"])
    }

    @Test func aHeadAdmittedButNeverSettledIsGivenUpAfterThePostingWindow() throws {
        _ = try ticket(order.admit(lane: "1/9", commandId: "a", now: start))
        // Its process died mid-post. Past the wait, b parks behind it in the first tier...
        #expect(order.admit(lane: "1/9", commandId: "b", now: start + 30) == .parkBehind(tier: .seconds(1)))
        // ...and once the posting window is over the line moves on to b.
        #expect(order.admit(lane: "1/9", commandId: "b", now: start + 60.5, mayWait: true) == .go(ticket: order.counter))
    }

    @Test func aHeadParkedAgainInALongerTierKeepsTheOthersBehindItInThatTier() throws {
        _ = try ticket(order.admit(lane: "1/9", commandId: "a", now: start))
        order.parked(lane: "1/9", commandId: "a", tier: .seconds(1), now: start)
        #expect(order.admit(lane: "1/9", commandId: "b", now: start) == .parkBehind(tier: .seconds(1)))
        _ = try ticket(order.admit(lane: "1/9", commandId: "a", now: start + 1))
        order.parked(lane: "1/9", commandId: "a", tier: .seconds(10), now: start + 1)
        #expect(order.admit(lane: "1/9", commandId: "b", now: start + 1.1, mayWait: true) == .parkBehind(tier: .seconds(10)))
        #expect(order.counts.waiting == 2)
    }

    @Test func aHeadThatNeverComesBackIsGivenUpAfterItsTierAndTheGrace() throws {
        _ = try ticket(order.admit(lane: "1/9", commandId: "a", now: start))
        order.parked(lane: "1/9", commandId: "a", tier: .seconds(10), now: start)
        // Due back since start + 10: b waits for it while it may, then parks behind it.
        #expect(order.admit(lane: "1/9", commandId: "b", now: start + 14, mayWait: true) == .waitForHead(beingPosted: false))
        #expect(order.admit(lane: "1/9", commandId: "b", now: start + 14) == .parkBehind(tier: .seconds(10)))
        // Its copy was lost: after 10 s + 5 s of grace the line moves on to b, whose own copy
        // is due back at 14 + 10 s.
        #expect(order.admit(lane: "1/9", commandId: "c", now: start + 16, mayWait: true) == .parkBehind(tier: .seconds(10)))
        _ = try ticket(order.admit(lane: "1/9", commandId: "b", now: start + 24))
    }

    @Test func aDeadLetteredHeadLeavesTheLineLikeASentOne() throws {
        _ = try ticket(order.admit(lane: "1/9", commandId: "a", now: start))
        order.parked(lane: "1/9", commandId: "a", tier: .seconds(1), now: start)
        #expect(order.admit(lane: "1/9", commandId: "b", now: start) == .parkBehind(tier: .seconds(1)))
        let a = try ticket(order.admit(lane: "1/9", commandId: "a", now: start + 1))
        order.finished(lane: "1/9", commandId: "a", ticket: a, now: start + 1) // dead-lettered for good: settled
        _ = try ticket(order.admit(lane: "1/9", commandId: "b", now: start + 1.1))
    }

    @Test func aSettlementFromBeforeTheLastParkingLeavesTheEntryInPlace() throws {
        let first = try ticket(order.admit(lane: "1/9", commandId: "a", now: start))
        let second = try ticket(order.admit(lane: "1/9", commandId: "a", now: start + 0.1)) // a redelivery, elsewhere
        order.parked(lane: "1/9", commandId: "a", tier: .seconds(2), now: start + 0.2)
        order.finished(lane: "1/9", commandId: "a", ticket: first, now: start + 0.3)
        order.finished(lane: "1/9", commandId: "a", ticket: second, now: start + 0.3)
        #expect(order.lines["1/9"]?.map(\.commandId) == ["a"])
    }
}
