import Foundation
import SharedState
import TestSupport
import Testing

/// The recipient lines in the state store: one line and one ticket counter for every process on the file or database.
@Suite(.scratchDatabases) struct RecipientLineStoreTests {
    @Test(arguments: StateBackend.allCases) func aLineParkedByOneProcessHoldsTheRepliesOfAnotherUntilItsHeadLeaves(backend: StateBackend) async throws {
        let fixture = try await StoreFixture(backend)
        let other = try await fixture.reopen()
        let first = try await fixture.store.admitToLine(account: "1", recipient: "9", commandId: "a", mayWait: true, fallbackTier: .seconds(1), posting: .seconds(60))
        guard case .go(let ticket) = first else {
            Issue.record("an empty line lets a go: \(first)")
            return
        }
        // Being posted by the first process: the second waits for it.
        #expect(try await other.admitToLine(account: "1", recipient: "9", commandId: "b", mayWait: true, fallbackTier: .seconds(1), posting: .seconds(60)) == .waitForHead(beingPosted: true))
        try await fixture.store.parkInLine(account: "1", recipient: "9", commandId: "a", tier: .seconds(10))
        #expect(
            try await other.admitToLine(account: "1", recipient: "9", commandId: "b", mayWait: true, fallbackTier: .seconds(1), posting: .seconds(60))
                == .parkBehind(tier: .seconds(10)))
        #expect(try await fixture.store.recipientLine(account: "1", recipient: "9").map(\.commandId) == ["a", "b"])
        // The handling that was parked since does not take a out; the later one that sends it does.
        try await fixture.store.leaveLine(account: "1", recipient: "9", commandId: "a", ticket: ticket)
        fixture.clock.advance(seconds: 10)
        guard case .go(let again) = try await other.admitToLine(account: "1", recipient: "9", commandId: "a", mayWait: true, fallbackTier: .seconds(1), posting: .seconds(60)) else {
            Issue.record("a back from its tier goes")
            return
        }
        #expect(again > ticket)
        #expect(try await fixture.store.admitToLine(account: "1", recipient: "9", commandId: "b", mayWait: true, fallbackTier: .seconds(1), posting: .seconds(60)) == .waitForHead(beingPosted: true))
        try await other.leaveLine(account: "1", recipient: "9", commandId: "a", ticket: again)
        guard case .go(let b) = try await fixture.store.admitToLine(account: "1", recipient: "9", commandId: "b", mayWait: true, fallbackTier: .seconds(1), posting: .seconds(60)) else {
            Issue.record("b goes once a left")
            return
        }
        try await fixture.store.leaveLine(account: "1", recipient: "9", commandId: "b", ticket: b)
        #expect(try await other.recipientLine(account: "1", recipient: "9").isEmpty)
    }

    @Test(arguments: StateBackend.allCases) func aReplyThatArrivedFirstInOneProcessGoesBeforeALaterOneThatAskedFirstInAnother(backend: StateBackend) async throws {
        // Seed 207892: reply 6 arrives in the first process and waits there (a suspect command
        // holds the gate); reply 7 arrives in the second and asks at once.
        let fixture = try await StoreFixture(backend)
        let other = try await fixture.reopen()
        try await fixture.store.joinLine(account: "1", recipient: "9", commandId: "6", posting: .seconds(60))
        try await other.joinLine(account: "1", recipient: "9", commandId: "7", posting: .seconds(60))
        #expect(
            try await other.admitToLine(account: "1", recipient: "9", commandId: "7", mayWait: true, fallbackTier: .seconds(1), posting: .seconds(60))
                == .waitForHead(beingPosted: true))
        guard
            case .go(let six) = try await fixture.store.admitToLine(
                account: "1", recipient: "9", commandId: "6", mayWait: true, fallbackTier: .seconds(1),
                posting: .seconds(60))
        else {
            Issue.record("6, first in the line, goes")
            return
        }
        try await fixture.store.leaveLine(account: "1", recipient: "9", commandId: "6", ticket: six)
        guard case .go = try await other.admitToLine(account: "1", recipient: "9", commandId: "7", mayWait: true, fallbackTier: .seconds(1), posting: .seconds(60)) else {
            Issue.record("7 goes once 6 left")
            return
        }
        // A process that dies before asking holds the place for the posting window, no longer.
        try await fixture.store.joinLine(account: "1", recipient: "9", commandId: "8", posting: .seconds(60))
        try await other.joinLine(account: "1", recipient: "9", commandId: "9", posting: .seconds(60))
        #expect(try await other.recipientLine(account: "1", recipient: "9").map(\.commandId) == ["7", "8", "9"])
        fixture.clock.advance(seconds: 61)
        #expect(try await other.recipientLine(account: "1", recipient: "9").map(\.commandId).isEmpty)
    }

    @Test(arguments: StateBackend.allCases) func aBatchJoinsSeveralLinesInDeliveryOrderAndAHandBackWithdrawsOnlyThoseThatNeverAsked(backend: StateBackend) async throws {
        let fixture = try await StoreFixture(backend)
        let other = try await fixture.reopen()
        let batch = [("9", "a"), ("8", "x"), ("9", "b"), ("9", "c"), ("8", "y")].map { LineArrival(account: "1", recipient: $0.0, commandId: $0.1) }
        try await fixture.store.joinLines(batch, posting: .seconds(60))
        #expect(try await other.recipientLine(account: "1", recipient: "9").map(\.commandId) == ["a", "b", "c"])
        #expect(try await other.recipientLine(account: "1", recipient: "8").map(\.commandId) == ["x", "y"])
        // A redelivered copy keeps its place; the same batch again changes nothing.
        try await other.joinLines(batch.reversed(), posting: .seconds(60))
        #expect(try await other.recipientLine(account: "1", recipient: "9").map(\.commandId) == ["a", "b", "c"])
        // a was admitted and parked (its copy is in a tier, not handed back): it keeps its place;
        // the others never asked and go, in both lines, in one call.
        guard
            case .go = try await fixture.store.admitToLine(
                account: "1", recipient: "9", commandId: "a", mayWait: true, fallbackTier: .seconds(1),
                posting: .seconds(60))
        else {
            Issue.record("a, first in its line, goes")
            return
        }
        try await fixture.store.parkInLine(account: "1", recipient: "9", commandId: "a", tier: .seconds(1))
        try await fixture.store.withdrawFromLines(batch)
        #expect(try await other.recipientLine(account: "1", recipient: "9").map(\.commandId) == ["a"])
        #expect(try await other.recipientLine(account: "1", recipient: "8").isEmpty)
    }

    @Test(arguments: StateBackend.allCases) func aPlaceKeptByItsLiveProcessOutlivesThePostingWindowAndLapsesOnceNoLongerKept(backend: StateBackend) async throws {
        // Chaos seed 207892: reply 8 waited in its lane behind slow posts longer than the
        // window; its place lapsed and reply 9, in the other process, went first.
        let fixture = try await StoreFixture(backend)
        let other = try await fixture.reopen()
        let held = [LineArrival(account: "1", recipient: "9", commandId: "8")]
        try await fixture.store.joinLines(held, posting: .seconds(6))
        for _ in 0..<4 {
            fixture.clock.advance(seconds: 2)
            try await fixture.store.keepPlaces(held + [LineArrival(account: "1", recipient: "9", commandId: "never-joined")], posting: .seconds(6))
        }
        // 8 s after it arrived, past one window: still there, and only it (keeping adds no place).
        try await other.joinLine(account: "1", recipient: "9", commandId: "9", posting: .seconds(6))
        #expect(try await other.recipientLine(account: "1", recipient: "9").map(\.commandId) == ["8", "9"])
        #expect(
            try await other.admitToLine(account: "1", recipient: "9", commandId: "9", mayWait: true, fallbackTier: .seconds(1), posting: .seconds(6))
                == .waitForHead(beingPosted: true))
        // Its process died: no one keeps it, and the window after the last renewal it is gone.
        fixture.clock.advance(seconds: 6.5)
        try await other.joinLine(account: "1", recipient: "9", commandId: "9", posting: .seconds(6))
        #expect(try await other.recipientLine(account: "1", recipient: "9").map(\.commandId) == ["9"])
    }
}
