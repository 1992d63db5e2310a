import Foundation
import KiamoTwitter
import Testing

@Suite struct RecipientOrderTests {
    let start = Date(timeIntervalSince1970: 1_700_000_000)
    let order = RecipientOrder(grace: { _ in .seconds(5) })

    private func ticket(_ admission: RecipientOrder.Admission) throws -> UInt64 {
        guard case .go(let ticket) = admission else { throw Unexpected(admission: admission) }
        return ticket
    }

    private struct Unexpected: Error { let admission: RecipientOrder.Admission }

    @Test func withNothingParkedEveryCommandGoesAndLeavesNoLine() throws {
        let first = try ticket(order.admit(lane: "1/9", commandId: "a", now: start))
        order.finished(lane: "1/9", commandId: "a", ticket: first)
        _ = try ticket(order.admit(lane: "1/9", commandId: "b", now: start))
        #expect(order.counts.lines == 0)
    }

    @Test func laterRepliesWaitBehindAParkedOneInItsTierAndGoInOrderOnceItIsSent() throws {
        let a = try ticket(order.admit(lane: "1/9", commandId: "a", now: start))
        order.parked(lane: "1/9", commandId: "a", tier: .seconds(10), now: start)
        order.finished(lane: "1/9", commandId: "a", ticket: a)  // parked during this handling: stays
        #expect(order.admit(lane: "1/9", commandId: "b", now: start + 1) == .parkBehind(tier: .seconds(10)))
        #expect(order.admit(lane: "1/9", commandId: "c", now: start + 2) == .parkBehind(tier: .seconds(10)))
        // Another recipient is not held up.
        _ = try ticket(order.admit(lane: "1/8", commandId: "x", now: start + 2))

        // a comes back first (same retry queue) and is sent; then b, then c.
        let aAgain = try ticket(order.admit(lane: "1/9", commandId: "a", now: start + 10))
        #expect(order.admit(lane: "1/9", commandId: "c", now: start + 10.5) == .parkBehind(tier: .seconds(10)))
        order.finished(lane: "1/9", commandId: "a", ticket: aAgain)
        #expect(order.admit(lane: "1/9", commandId: "c", now: start + 11) == .parkBehind(tier: .seconds(10)))
        let b = try ticket(order.admit(lane: "1/9", commandId: "b", now: start + 11.5))
        order.finished(lane: "1/9", commandId: "b", ticket: b)
        let c = try ticket(order.admit(lane: "1/9", commandId: "c", now: start + 21))
        order.finished(lane: "1/9", commandId: "c", ticket: c)
        #expect(order.counts.lines == 0)
    }

    @Test func aHeadParkedAgainInALongerTierKeepsTheOthersBehindItInThatTier() throws {
        _ = try ticket(order.admit(lane: "1/9", commandId: "a", now: start))
        order.parked(lane: "1/9", commandId: "a", tier: .seconds(1), now: start)
        #expect(order.admit(lane: "1/9", commandId: "b", now: start) == .parkBehind(tier: .seconds(1)))
        _ = try ticket(order.admit(lane: "1/9", commandId: "a", now: start + 1))
        order.parked(lane: "1/9", commandId: "a", tier: .seconds(10), now: start + 1)
        #expect(order.admit(lane: "1/9", commandId: "b", now: start + 1.1) == .parkBehind(tier: .seconds(10)))
        #expect(order.counts.waiting == 2)
    }

    @Test func aHeadThatNeverComesBackIsGivenUpAfterItsTierAndTheGrace() throws {
        _ = try ticket(order.admit(lane: "1/9", commandId: "a", now: start))
        order.parked(lane: "1/9", commandId: "a", tier: .seconds(10), now: start)
        #expect(order.admit(lane: "1/9", commandId: "b", now: start + 14) == .parkBehind(tier: .seconds(10)))
        // Another replica took a's copy: after 10 s + 5 s of grace the line moves on to b, whose own
        // copy is due back at 14 + 10 s.
        #expect(order.admit(lane: "1/9", commandId: "c", now: start + 16) == .parkBehind(tier: .seconds(10)))
        _ = try ticket(order.admit(lane: "1/9", commandId: "b", now: start + 24))
    }

    @Test func aDeadLetteredHeadLeavesTheLineLikeASentOne() throws {
        _ = try ticket(order.admit(lane: "1/9", commandId: "a", now: start))
        order.parked(lane: "1/9", commandId: "a", tier: .seconds(1), now: start)
        #expect(order.admit(lane: "1/9", commandId: "b", now: start) == .parkBehind(tier: .seconds(1)))
        let a = try ticket(order.admit(lane: "1/9", commandId: "a", now: start + 1))
        order.finished(lane: "1/9", commandId: "a", ticket: a)  // dead-lettered for good: settled
        _ = try ticket(order.admit(lane: "1/9", commandId: "b", now: start + 1.1))
    }
}
