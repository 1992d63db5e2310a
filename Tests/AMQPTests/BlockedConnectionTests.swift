import AMQP
import Foundation
import Testing
import TestSupport

@Suite("connection.blocked is honoured")
struct BlockedConnectionTests {
    /// Raises a memory alarm on the test broker for the shortest time it can (every publisher on
    /// the broker waits meanwhile), then lifts it.
    @Test func aPublishWaitsWhileTheBrokerBlocksAndIsConfirmedOnceUnblocked() async throws {
        let session = try await BrokerSession.open("blocked")
        defer { Task { await session.connection.close() } }
        let channel = try await session.connection.openChannel()
        let queue = TestBroker.uniqueName("test.blocked")
        try await channel.queueDeclare(queue, durable: false)

        try await TestBroker.ctl("set_vm_memory_high_watermark", "0.000001")
        let publishing = Task {
            try await channel.publish(routingKey: queue, body: Data("held".utf8))
        }
        do {
            try await eventually("connection.blocked from the broker") { session.connection.isBlocked }
        } catch {
            // The broker is shared: never leave it blocking every publisher.
            _ = try? await TestBroker.ctl("set_vm_memory_high_watermark", "0.4")
            throw error
        }
        try await TestBroker.ctl("set_vm_memory_high_watermark", "0.4")
        try await publishing.value
        #expect(!session.connection.isBlocked)
        let delivery = try await eventuallyValue("the held message") { try await channel.get(queue: queue) }
        #expect(delivery.body == Data("held".utf8))
        try await channel.ack(delivery)
        try await channel.queueDelete(queue)
    }
}
