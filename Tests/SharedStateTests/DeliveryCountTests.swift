import Foundation
import SharedState
import TestSupport
import Testing

/// The count behind `dispatch.maxDeliveries`: deliveries of a command that began and were never settled.
@Suite(.scratchDatabases) struct DeliveryCountTests {
    @Test(arguments: StateBackend.allCases) func whatIsNeverSettledStaysCountedAndAnAcknowledgementForgetsIt(backend: StateBackend) async throws {
        let fixture = try await StoreFixture(backend)
        let store = fixture.store
        #expect(try await store.unsettledDeliveries(account: "1", commandId: "cmd") == 0)
        #expect(try await store.beginDelivery(account: "1", commandId: "cmd") == 1)
        // The worker died: the next delivery finds the first still counted.
        #expect(try await store.unsettledDeliveries(account: "1", commandId: "cmd") == 1)
        #expect(try await store.beginDelivery(account: "1", commandId: "cmd") == 2)
        // Handed back to a live connection: not held against the command.
        try await store.settleDelivery(account: "1", commandId: "cmd", finished: false)
        #expect(try await store.unsettledDeliveries(account: "1", commandId: "cmd") == 1)
        #expect(try await store.beginDelivery(account: "2", commandId: "cmd") == 1, "counted per account")
        try await store.settleDelivery(account: "1", commandId: "cmd", finished: true)
        #expect(try await store.unsettledDeliveries(account: "1", commandId: "cmd") == 0)
        try await store.settleDelivery(account: "1", commandId: "cmd", finished: false)
        #expect(try await store.beginDelivery(account: "1", commandId: "cmd") == 1, "never below zero")
    }
}
