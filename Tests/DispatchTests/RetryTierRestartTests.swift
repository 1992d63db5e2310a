import AMQP
import Foundation
import KiamoTwitter
import Logging
import TestSupport
import Testing

/// The retry tiers hand a command back to the send queue when its delay runs out. RabbitMQ
/// dead-letters at most once unless told otherwise: a command whose delay ends while a quorum send
/// queue has no leader yet (a broker restart) would be dropped. These run on a broker of their own,
/// which they restart.
@Suite struct RetryTierRestartTests {
    @Test(arguments: [Configuration.QueueType.quorum, .classic])
    func commandsWhoseDelayEndsDuringABrokerRestartAllReachTheSendQueue(queueType: Configuration.QueueType) async throws {
        try await withPrivateBroker { broker in try await park(queueType: queueType, thenRestart: broker) }
    }

    private func park(queueType: Configuration.QueueType, thenRestart broker: PrivateBroker) async throws {
        var logger = Logger(label: "retry-tier.test")
        logger.logLevel = .warning
        let topology = Topology(exchange: "kiamo.restart", queueType: queueType, retryDelays: [.seconds(1), .seconds(10)])

        let connection = try AMQPConnection(url: broker.url, logger: logger)
        try await connection.connect()
        let channel = try await connection.openChannel()
        try await topology.declare(on: channel)
        // Parked as the dispatcher parks a retry: persistent, confirmed, routed by its tier header.
        for tier in topology.retryDelays {
            for index in 0..<20 {
                try await channel.publish(
                    exchange: topology.retryExchange, routingKey: "send.1234", body: Data("command \(index)".utf8),
                    properties: AMQPProperties(
                        headers: [WireContract.Header.retryTier: .string(Topology.retryTierHeader(tier))],
                        deliveryMode: .persistent))
            }
        }
        await connection.close()

        // The 1 s tier expires while the broker is down or starting; the 10 s one after.
        try await broker.restartApp()

        let reopened = try AMQPConnection(url: broker.url, logger: logger)
        try await reopened.connect()
        let inspector = try await reopened.openChannel()
        let arrived = try await eventuallyValue("every parked command back in \(topology.sendQueue)", timeout: .seconds(40)) { () async throws -> UInt32? in
            let send = try await inspector.queueDeclare(topology.sendQueue, passive: true).messageCount
            return send == 40 ? send : nil
        }
        #expect(arrived == 40)
        for tier in topology.retryDelays {
            #expect(try await inspector.queueDeclare(topology.retryQueue(tier), passive: true).messageCount == 0)
        }
        await reopened.close()
    }
}
