import AMQP
import Foundation
import TestSupport
import Testing

/// A cluster's node list against the real broker: the live node is the test broker, the dead
/// ones are ports on 127.0.0.1 that were bound and closed (connecting is refused).
@Suite("Node list: failover to the next node")
struct NodeFailoverTests {
    @Test func aListWhoseFirstNodesAreClosedPortsConnectsToTheLiveNodeThenPublishesAndConsumes() async throws {
        let dead = [try LoopbackHTTPServer.unusedPort(), try LoopbackHTTPServer.unusedPort()].map { AMQPNode(host: "127.0.0.1", port: $0) }
        let session = try await BrokerSession.open("failover.first") { live in dead + [live] }
        defer { Task { await session.connection.close() } }
        let live = try #require(session.connection.configuration.nodes.last)
        #expect(session.connection.node == live)

        let channel = try await session.connection.openChannel()
        let queue = TestBroker.uniqueName("test.failover.first")
        try await channel.queueDeclare(queue, durable: false, autoDelete: true)
        let consumer = try await channel.consume(queue: queue)
        var iterator = consumer.makeAsyncIterator()
        try await channel.publish(routingKey: queue, body: Data("through the list".utf8), mandatory: true)
        let delivery = try #require(try await iterator.next())
        #expect(delivery.body == Data("through the list".utf8))
        try await channel.ack(delivery)
        try await consumer.cancel()
    }

    /// [dead, live], the live connection dropped: the reconnect tries the next node (dead), moves
    /// on to the live one in the same round (one backoff step, not two), declares the exclusive
    /// queue, its binding and its consumer again, and traffic flows.
    @Test func aDroppedConnectionComesBackThroughTheDeadNodeInOneRoundWithItsTopology() async throws {
        let dead = AMQPNode(host: "127.0.0.1", port: try LoopbackHTTPServer.unusedPort())
        let session = try await BrokerSession.open("failover.drop") { live in [dead, live] }
        defer { Task { await session.connection.close() } }
        let live = try #require(session.connection.configuration.nodes.last)
        let events = EventLog(session.connection)
        let channel = try await session.connection.openChannel()
        let exchange = TestBroker.uniqueName("test.failover")
        try await channel.exchangeDeclare(exchange, type: .direct, durable: false, autoDelete: true)
        // Exclusive: the broker deletes it with the connection, so only a redeclare brings it back.
        let queue = try await channel.queueDeclare("", durable: false, exclusive: true)
        try await channel.queueBind(queue: queue.name, exchange: exchange, routingKey: "k")
        let consumer = try await channel.consume(queue: queue.name)
        var iterator = consumer.makeAsyncIterator()

        let pid = try #require(try await session.brokerPid())
        try await TestBroker.ctl("close_connection", pid, "failover test")
        try await eventually("the reconnect") { events.reconnects == 1 }
        #expect(events.reconnectedNodes == [live])
        #expect(events.reconnectsScheduled == 1, "the dead node cost a backoff step of its own")
        #expect(session.connection.node == live)
        #expect(session.connection.state == .connected(generation: 2))

        // Mandatory: an unroutable message would throw, so this proves the queue and binding exist.
        try await channel.publish(exchange: exchange, routingKey: "k", body: Data("after".utf8), mandatory: true)
        let after = try #require(try await iterator.next())
        #expect(after.body == Data("after".utf8))
        try await channel.ack(after)
        try await consumer.cancel()
    }

    /// Two names of one broker (127.0.0.1 and localhost) stand for two nodes, so the connection
    /// really changes node. Publishes in flight when the connection drops fail with
    /// connectionLost, never counted as confirmed; every publish that was confirmed, on either
    /// node, is in the queue afterwards.
    @Test func aNodeChangeFailsTheOldConnectionsUnconfirmedPublishesAndKeepsEveryConfirmedOne() async throws {
        let session = try await BrokerSession.open("failover.confirms") { live in [live, AMQPNode(host: "localhost", port: live.port)] }
        defer { Task { await session.connection.close() } }
        let events = EventLog(session.connection)
        #expect(session.connection.node?.host == "127.0.0.1")
        let publisher = try await session.connection.openChannel()
        let queue = TestBroker.uniqueName("test.failover.confirms")
        try await publisher.queueDeclare(queue, durable: true)

        let tally = Tally()
        let publishing = publishUntilEnough(publisher, to: queue, tally: tally, publishers: 20)
        try await eventually("some confirms on the first node") { await tally.confirmedCount >= 300 }
        let pid = try #require(try await session.brokerPid())
        try await TestBroker.ctl("close_connection", pid, "failover test")
        try await eventually("the reconnect") { events.reconnects == 1 }
        await tally.markReconnected(extra: 300)
        #expect(events.reconnectedNodes.map(\.host) == ["localhost"])
        #expect(session.connection.node?.host == "localhost")
        try await publishing.value

        let reader = try await session.connection.openChannel()
        let consumer = try await reader.consume(queue: queue)
        let consuming = Task {
            for try await delivery in consumer {
                if let id = delivery.properties.messageId { await tally.receive(id) }
                try await reader.ack(delivery)
            }
        }
        try await eventually("every confirmed message in the queue") {
            await tally.confirmed.isSubset(of: Set(await tally.received.keys))
        }
        try await consumer.cancel()
        _ = try? await consuming.value
        Swift.print("node change: \(await tally.confirmedCount) confirmed, \(await tally.failures.count) failed with connectionLost and were retried")
        try await publisher.queueDelete(queue)
    }
}
