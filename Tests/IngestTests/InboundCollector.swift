import AMQP
import Foundation
import KiamoTwitter
import Logging
import Synchronization
import TestSupport

/// Consumes an inbound queue the way Kiamo's connector would, and keeps every message with its
/// properties, so tests can assert what arrived, in what order, and how often.
final class InboundCollector: Sendable {
    struct Received: Sendable {
        var message: KiamoMessage
        var properties: AMQPProperties
        var routingKey: String
        var body: Data
    }

    let connection: AMQPConnection
    private let received = Mutex<[Received]>([])
    private let undecodable = Mutex<[Data]>([])
    private let task = Mutex<Task<Void, Never>?>(nil)

    private init(connection: AMQPConnection) {
        self.connection = connection
    }

    /// Declares the topology of `exchange` (as the worker will, idempotently) on `url` and starts
    /// consuming `<exchange>.inbound`.
    static func start(url: String, exchange: String) async throws -> InboundCollector {
        let connection = try AMQPConnection(url: url, logger: Logger(label: "test.collector"))
        try await connection.connect()
        let channel = try await connection.openChannel()
        let topology = Topology(exchange: exchange)
        try await topology.declare(on: channel)
        try await channel.qos(prefetchCount: 500)
        let consumer = try await channel.consume(queue: topology.inboundQueue)
        let collector = InboundCollector(connection: connection)
        collector.task.withLock {
            $0 = Task {
                do {
                    for try await delivery in consumer {
                        if let message = try? KiamoJSON.decode(KiamoMessage.self, from: delivery.body) {
                            collector.received.withLock {
                                $0.append(Received(message: message, properties: delivery.properties, routingKey: delivery.routingKey, body: delivery.body))
                            }
                        } else {
                            collector.undecodable.withLock { $0.append(delivery.body) }
                        }
                        try? await channel.ack(delivery)
                    }
                } catch {}
            }
        }
        return collector
    }

    var messages: [Received] { received.withLock { $0 } }
    var undecodableCount: Int { undecodable.withLock { $0.count } }

    /// Distinct message ids received.
    var distinctIds: Set<String> { Set(messages.map(\.message.id)) }

    /// Waits until every id of `ids` arrived.
    func waitFor(_ ids: Set<String>, timeout: Duration = .seconds(60)) async throws {
        try await eventually("\(ids.count) messages in the inbound queue", timeout: timeout, every: .milliseconds(100)) {
            ids.isSubset(of: distinctIds)
        }
    }

    func stop() async {
        task.withLock { $0?.cancel() }
        await connection.close()
    }
}
