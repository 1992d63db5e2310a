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
        #expect(try await other.admitToLine(account: "1", recipient: "9", commandId: "b", mayWait: true, fallbackTier: .seconds(1), posting: .seconds(60))
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
}
