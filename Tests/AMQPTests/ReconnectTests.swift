import AMQP
import Foundation
import TestSupport
import Testing

@Suite("Connection loss: reconnect, recover, report")
struct ReconnectTests {
    /// Publishers retry what failed with connectionLost, as callers are told to; the consumer runs
    /// across the reconnect on the same stream. Every confirmed message must arrive.
    @Test func afterTheBrokerClosesTheConnectionMidStreamEveryConfirmedMessageIsDelivered() async throws {
        let session = try await BrokerSession.open("reconnect")
        defer { Task { await session.connection.close() } }
        let events = EventLog(session.connection)
        let publisher = try await session.connection.openChannel()
        let consumerChannel = try await session.connection.openChannel()
        let queue = TestBroker.uniqueName("test.reconnect")
        // Durable, so what was confirmed survives the connection that published it.
        try await publisher.queueDeclare(queue, durable: true)
        try await consumerChannel.qos(prefetchCount: 100)
        let consumer = try await consumerChannel.consume(queue: queue)

        let tally = Tally()
        let consuming = Task {
            var staleAcks = 0
            for try await delivery in consumer {
                guard let id = delivery.properties.messageId else { continue }
                await tally.receive(id)
                do {
                    try await consumerChannel.ack(delivery)
                } catch AMQPError.staleDelivery {
                    staleAcks += 1 // from before the reconnect: the broker delivers it again
                }
            }
            return staleAcks
        }
        // Publishers go flat out until 1,000 more were confirmed after the reconnect, retrying
        // what failed with connectionLost as callers are told to.
        let publishing = publishUntilEnough(publisher, to: queue, tally: tally, publishers: 50)

        try await eventually("some confirms before the close") { await tally.confirmedCount >= 500 }
        let pid = try #require(try await session.brokerPid())
        try await TestBroker.ctl("close_connection", pid, "test")
        try await eventually("the reconnect") { events.reconnects == 1 }
        await tally.markReconnected(extra: 1_000)
        #expect(events.disconnects == 1)
        #expect(session.connection.state == .connected(generation: 2))
        try await publishing.value
        let confirmedBeforeClose = await tally.confirmedAtReconnect

        try await eventually("every confirmed message consumed") {
            await tally.confirmed.isSubset(of: Set(await tally.received.keys))
        }
        try await consumer.cancel()
        let staleAcks = try await consuming.value
        #expect(await tally.confirmedCount >= confirmedBeforeClose + 1_000)
        Swift.print(
            "reconnect test: \(await tally.confirmedCount) confirmed (\(confirmedBeforeClose) before the reconnect), \(await tally.failures.count) publishes failed with connectionLost and were retried, \(staleAcks) stale acks, \(await tally.duplicates) delivered twice"
        )
        try await publisher.queueDelete(queue)
    }

    @Test func anExclusiveServerNamedQueueItsBindingAndItsConsumerComeBackAfterAReconnect() async throws {
        let session = try await BrokerSession.open("topology")
        defer { Task { await session.connection.close() } }
        let events = EventLog(session.connection)
        let channel = try await session.connection.openChannel()
        let exchange = TestBroker.uniqueName("test.topology")
        try await channel.exchangeDeclare(exchange, type: .direct, durable: false)
        // Exclusive: the broker deletes it with the connection, so only a redeclare brings it back.
        let first = try await channel.queueDeclare("", durable: false, exclusive: true)
        try await channel.queueBind(queue: first.name, exchange: exchange, routingKey: "k")
        let consumer = try await channel.consume(queue: first.name)
        var iterator = consumer.makeAsyncIterator()
        try await channel.publish(exchange: exchange, routingKey: "k", body: Data("before".utf8), mandatory: true)
        let before = try #require(try await iterator.next())
        try await channel.ack(before)

        let pid = try #require(try await session.brokerPid())
        try await TestBroker.ctl("close_connection", pid, "test")
        try await eventually("the reconnect") { events.reconnects == 1 }

        // Mandatory: an unroutable message would throw, so this proves the queue and binding exist.
        try await channel.publish(exchange: exchange, routingKey: "k", body: Data("after".utf8), mandatory: true)
        let after = try #require(try await iterator.next())
        #expect(after.body == Data("after".utf8))
        #expect(after.generation > before.generation)
        try await channel.ack(after)
        await #expect(throws: AMQPError.staleDelivery(deliveryTag: before.deliveryTag)) {
            try await channel.ack(before)
        }
        let queues = try await TestBroker.ctl("list_queues", "name", "--quiet", "--no-table-headers")
        #expect(!queues.contains(first.name))
        try await channel.exchangeDelete(exchange)
    }

    @Test func withReconnectOffALossEndsConsumersAndLaterCallsWithTheTypedError() async throws {
        let session = try await BrokerSession.open("noreconnect", reconnect: .disabled)
        let channel = try await session.connection.openChannel()
        let queue = TestBroker.uniqueName("test.lost")
        try await channel.queueDeclare(queue, durable: false, autoDelete: true)
        let consumer = try await channel.consume(queue: queue)
        let pid = try #require(try await session.brokerPid())
        try await TestBroker.ctl("close_connection", pid, "going away")
        // The consumer's stream ends with the typed error once the connection is closed for good.
        await #expect {
            for try await _ in consumer {}
        } throws: { error in
            error as? AMQPError == .connectionClosed(code: 320, text: "CONNECTION_FORCED - going away")
        }
        #expect(session.connection.state == .closed)
        await #expect(throws: AMQPError.connectionClosed(code: 320, text: "CONNECTION_FORCED - going away")) {
            try await channel.publish(routingKey: queue, body: Data())
        }
    }

    @Test func aHeartbeatKeepsAnIdleConnectionAlivePastThreeIntervals() async throws {
        let session = try await BrokerSession.open("heartbeat", heartbeat: .seconds(1))
        defer { Task { await session.connection.close() } }
        let events = EventLog(session.connection)
        let channel = try await session.connection.openChannel()
        let idleUntil = ContinuousClock.now + .seconds(4)
        // Idle for 4 s (the broker drops a client after 2 missed 1 s heartbeats), watching the state.
        try await eventually("4 s of idle", timeout: .seconds(8), every: .milliseconds(250)) {
            #expect(session.connection.state == .connected(generation: 1))
            return ContinuousClock.now >= idleUntil
        }
        #expect(events.disconnects == 0)
        let queue = TestBroker.uniqueName("test.heartbeat")
        try await channel.queueDeclare(queue, durable: false, autoDelete: true)
        try await channel.publish(routingKey: queue, body: Data("still here".utf8))
        #expect(session.connection.state == .connected(generation: 1))
        try await channel.queueDelete(queue)
    }
}
