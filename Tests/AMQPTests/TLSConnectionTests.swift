import AMQP
import Foundation
import TestSupport
import Testing

/// `amqps://` to the test broker's TLS listener: the broker's own CA connects, an unrelated CA is
/// refused with `tlsFailed`, before any password is sent. The listener and both CAs come from
/// `scripts/test-broker` (`KIAMO_TEST_AMQPS_URL`, `KIAMO_TEST_TLS_CA`, `KIAMO_TEST_TLS_WRONG_CA`);
/// without them the tests fail, they never skip.
@Suite("TLS to the broker")
struct TLSConnectionTests {
    struct MissingTLS: Error, CustomStringConvertible {
        let variable: String
        var description: String { "\(variable) is not set: start the broker with scripts/test-broker (it opens a TLS listener) and export its broker.env" }
    }

    static func variable(_ name: String) throws -> String {
        guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else { throw MissingTLS(variable: name) }
        return value
    }

    static func configuration(ca: String) throws -> AMQPConfiguration {
        var configuration = try AMQPConfiguration(url: try variable("KIAMO_TEST_AMQPS_URL"))
        configuration.tls?.caFile = ca
        // The certificate names 127.0.0.1 as an IP address and localhost as a DNS name;
        // librabbitmq 0.11 checks DNS names only, so the test connects by name.
        configuration.host = "localhost"
        configuration.reconnect = AMQPReconnectPolicy(enabled: false)
        return configuration
    }

    @Test func theBrokersCAConnects() async throws {
        let connection = try AMQPConnection(configuration: try Self.configuration(ca: try Self.variable("KIAMO_TEST_TLS_CA")))
        try await connection.connect()
        let channel = try await connection.openChannel()
        let queue = try await channel.queueDeclare(TestBroker.uniqueName("tls"), durable: false, exclusive: true, autoDelete: true)
        #expect(queue.messageCount == 0)
        await connection.close()
    }

    @Test func anUnrelatedCAIsRefusedWithTLSFailed() async throws {
        let connection = try AMQPConnection(configuration: try Self.configuration(ca: try Self.variable("KIAMO_TEST_TLS_WRONG_CA")))
        await #expect {
            try await connection.connect()
        } throws: { error in
            guard case .tlsFailed = error as? AMQPError else { return false }
            return !"\(error)".contains("guest:guest")
        }
    }
}
