import AMQP
import Foundation
import Logging

/// The test's own look at the broker: queue depths and the messages of the queues it reads
/// (reports, dead letters, retried commands). Used outside the broker's restart, so nothing it
/// acknowledges can come back.
struct BrokerReader: Sendable {
    let connection: AMQPConnection
    let channel: AMQPChannel

    static func open(url: String) async throws -> BrokerReader {
        var logger = Logger(label: "e2e.broker-reader")
        logger.logLevel = .warning
        let connection = try AMQPConnection(url: url, logger: logger)
        try await connection.connect()
        return BrokerReader(connection: connection, channel: try await connection.openChannel())
    }

    /// Takes every message waiting in `queue` (acknowledged: they leave it).
    func drain(_ queue: String) async throws -> [AMQPDelivery] {
        var deliveries: [AMQPDelivery] = []
        while let delivery = try await channel.get(queue: queue) {
            deliveries.append(delivery)
            try await channel.ack(delivery)
        }
        return deliveries
    }

    /// Messages ready in `queue` (not counting those delivered and unacknowledged).
    func depth(_ queue: String) async throws -> UInt32 {
        try await channel.queueDeclare(queue, passive: true).messageCount
    }

    func close() async {
        await connection.close()
    }
}
