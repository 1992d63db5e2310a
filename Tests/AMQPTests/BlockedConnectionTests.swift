import AMQP
import Foundation
import TestSupport
import Testing

@Suite("connection.blocked is honoured")
struct BlockedConnectionTests {
    /// Raises a memory alarm, then lifts it, on a broker of the test's own: a memory alarm is
    /// broker-wide, and on the shared test broker it held every other suite's publishers for as
    /// long as it lasted (and for good when the fire-and-forget cleanup did not run). The
    /// connection is closed, and the broker stopped, before the test returns.
    @Test func aPublishWaitsWhileTheBrokerBlocksAndIsConfirmedOnceUnblocked() async throws {
        try await withPrivateBroker { broker in
            let connection = try AMQPConnection(url: broker.url)
            try await connection.connect()
            do {
                try await publishWhileBlocked(connection, broker: broker)
                await connection.close()
            } catch {
                await connection.close()
                throw error
            }
        }
    }

    private func publishWhileBlocked(_ connection: AMQPConnection, broker: PrivateBroker) async throws {
        let channel = try await connection.openChannel()
        let queue = TestBroker.uniqueName("test.blocked")
        try await channel.queueDeclare(queue, durable: false)

        try await broker.ctl("set_vm_memory_high_watermark", "0.000001")
        let publishing = Task {
            try await channel.publish(routingKey: queue, body: Data("held".utf8))
        }
        try await eventually("connection.blocked from the broker") { connection.isBlocked }
        try await broker.ctl("set_vm_memory_high_watermark", "0.4")
        try await publishing.value
        #expect(!connection.isBlocked)
        let delivery = try await eventuallyValue("the held message") { try await channel.get(queue: queue) }
        #expect(delivery.body == Data("held".utf8))
        try await channel.ack(delivery)
    }
}
