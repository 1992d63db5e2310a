import AMQP
import Foundation
import Logging
import TestSupport

/// A connection to the test broker with a name of its own, so a test can find it in
/// `rabbitmqctl list_connections` (to close it) without touching another test's.
struct BrokerSession {
    let name: String
    let connection: AMQPConnection

    static func open(
        _ label: String,
        heartbeat: Duration = .seconds(30),
        reconnect: AMQPReconnectPolicy = AMQPReconnectPolicy(initialDelay: .milliseconds(50), maximumDelay: .seconds(1)),
        nodes: (AMQPNode) -> [AMQPNode] = { [$0] }
    ) async throws -> BrokerSession {
        var configuration = try AMQPConfiguration(url: try TestBroker.url())
        // A node list around the test broker's node, as a cluster's amqp.url gives it.
        configuration.nodes = nodes(AMQPNode(host: configuration.host, port: configuration.port))
        let name = TestBroker.uniqueName("test.\(label)")
        configuration.connectionName = name
        configuration.heartbeat = heartbeat
        configuration.reconnect = reconnect
        configuration.operationTimeout = .seconds(20)
        var logger = Logger(label: "amqp.test")
        logger.logLevel = .warning
        let connection = try AMQPConnection(configuration: configuration, logger: logger)
        try await connection.connect()
        return BrokerSession(name: name, connection: connection)
    }

    /// The broker-side pid of this connection, for `rabbitmqctl close_connection`.
    func brokerPid() async throws -> String? {
        let listing = try await TestBroker.ctl("list_connections", "pid", "client_properties", "--quiet", "--no-table-headers")
        for line in listing.split(separator: "\n") where line.contains(name) {
            return line.split(whereSeparator: { $0 == "\t" || $0 == " " }).first.map(String.init)
        }
        return nil
    }
}
