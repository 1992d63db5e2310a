import AMQP
import Foundation
import Logging
import TestSupport
import Testing

@testable import KiamoTwitter

/// Each role's broker user, with the rights `Topology.permissions(for:)` gives it (what the
/// compose broker creates), on the real broker: a worker's start-up declarations go through, and
/// what the role may not do is refused.
@Suite struct RolePermissionsTests {
    private struct RoleUser {
        let name: String
        let url: String
    }

    /// Creates a user with `role`'s rights on `topology`, through rabbitmqctl.
    private func makeUser(_ role: Topology.Role, _ topology: Topology) async throws -> RoleUser {
        let name = TestBroker.uniqueName("kiamo-\(role.rawValue)")
        let password = UUID().uuidString
        let rights = topology.permissions(for: role)
        try await TestBroker.ctl("add_user", name, password)
        try await TestBroker.ctl("set_permissions", "-p", "/", name, rights.configure, rights.write, rights.read)
        for topic in rights.topics {
            try await TestBroker.ctl("set_topic_permissions", "-p", "/", name, topic.exchange, topic.write, topic.read)
        }
        let base = try TestBroker.url()
        let at = try #require(base.range(of: "@"), "the test broker URL has no user")
        return RoleUser(name: name, url: "amqp://\(name):\(password)" + base[at.lowerBound...])
    }

    private func connect(_ url: String) async throws -> AMQPConnection {
        var logger = Logger(label: "roles.test")
        logger.logLevel = .critical
        let connection = try AMQPConnection(url: url, logger: logger)
        try await connection.connect()
        return connection
    }

    /// Nil when `body` went through on a new channel, else the broker's refusal.
    private func attempt(_ connection: AMQPConnection, _ body: (AMQPChannel) async throws -> Void) async throws -> String? {
        let channel = try await connection.openChannel()
        do {
            try await body(channel)
            try? await channel.close()
            return nil
        } catch let error as AMQPError {
            return "\(error)"
        }
    }

    @Test func eachWorkerDeclaresItsSideWithItsOwnRightsAndNoMore() async throws {
        let topology = Topology(exchange: TestBroker.uniqueName("kiamo.roles"))
        let users = [
            Topology.Role.ingest: try await makeUser(.ingest, topology),
            .dispatch: try await makeUser(.dispatch, topology),
            .kiamo: try await makeUser(.kiamo, topology),
        ]
        let admin = try await connect(try TestBroker.url())
        var connections: [AMQPConnection] = [admin]
        defer {
            let opened = connections
            Task {
                for connection in opened { await connection.close() }
            }
        }
        let ingest = try await connect(try #require(users[.ingest]).url)
        let dispatch = try await connect(try #require(users[.dispatch]).url)
        let kiamo = try await connect(try #require(users[.kiamo]).url)
        connections += [ingest, dispatch, kiamo]

        // What each worker does at start (WorkerHost), on an empty broker, in either order.
        #expect(try await attempt(ingest) { try await topology.declare(on: $0, as: .ingest) } == nil)
        #expect(try await attempt(dispatch) { try await topology.declare(on: $0, as: .dispatch) } == nil)
        #expect(try await attempt(ingest) { try await topology.declare(on: $0, as: .ingest) } == nil, "a restart declares again")

        let body = Data("{}".utf8)
        #expect(try await attempt(ingest) { try await $0.publish(exchange: topology.exchange, routingKey: "inbound.1234", body: body) } == nil)
        #expect(try await attempt(dispatch) { try await $0.publish(exchange: topology.exchange, routingKey: "report.1234.sent", body: body) } == nil)
        #expect(try await attempt(dispatch) { try await $0.publish(exchange: topology.deadLetterExchange, routingKey: "send.1234", body: body) } == nil)
        #expect(try await attempt(kiamo) { try await $0.publish(exchange: topology.exchange, routingKey: "send.1234", body: body) } == nil)
        #expect(try await attempt(kiamo) { _ = try await $0.get(queue: topology.inboundQueue) } == nil)
        #expect(try await attempt(dispatch) { _ = try await $0.get(queue: topology.sendQueue) } == nil)

        // Refused: another role's declarations, routing keys and queues.
        #expect(try await attempt(ingest) { try await topology.declare(on: $0, as: .dispatch) } != nil)
        #expect(try await attempt(ingest) { try await $0.publish(exchange: topology.exchange, routingKey: "send.1234", body: body) } != nil)
        #expect(try await attempt(ingest) { _ = try await $0.get(queue: topology.sendQueue) } != nil)
        #expect(try await attempt(dispatch) { try await topology.declare(on: $0, as: .ingest) } != nil)
        #expect(try await attempt(dispatch) { try await $0.publish(exchange: topology.exchange, routingKey: "send.1234", body: body) } != nil)
        #expect(try await attempt(dispatch) { _ = try await $0.get(queue: topology.inboundQueue) } != nil)
        #expect(try await attempt(kiamo) { try await topology.declare(on: $0, as: .ingest) } != nil)
        #expect(try await attempt(kiamo) { try await $0.publish(exchange: topology.exchange, routingKey: "inbound.1234", body: body) } != nil)
        #expect(try await attempt(kiamo) { try await $0.publish(exchange: topology.exchange, routingKey: "report.1234.sent", body: body) } != nil)
        #expect(try await attempt(kiamo) { _ = try await $0.get(queue: topology.sendQueue) } != nil)
        #expect(try await attempt(kiamo) { _ = try await $0.get(queue: topology.reportsQueue) } != nil)

        let cleanup = try await admin.openChannel()
        for queue in topology.queues { _ = try? await cleanup.queueDelete(queue.name) }
        for exchange in topology.exchanges { try? await cleanup.exchangeDelete(exchange.name) }
        for user in users.values { _ = try? await TestBroker.ctl("delete_user", user.name) }
    }
}
