import AMQP
import Foundation
import TestSupport
import Testing

@Suite("Confirmed publishing and manual-ack consuming against RabbitMQ")
struct PublishConsumeTests {
    static let stamp = Date(timeIntervalSince1970: 1_700_000_000)

    static func headers(_ index: Int) -> AMQPTable {
        [
            "x-account-id": "1234",
            "index": .int64(Int64(index)),
            "nested": [
                "level": .int32(2),
                "list": [1, "two", 3.5, true, .void],
                "inner": ["deep": "yes", "bytes": .bytes(Data([0, 1, 2, 255]))],
            ],
            "decimal": .decimal(AMQPDecimal(scale: 2, value: 12_345)),
            "at": .timestamp(stamp),
            "small": .int8(-3),
            "flag": false,
        ]
    }

    static func properties(_ index: Int) -> AMQPProperties {
        AMQPProperties(
            contentType: "application/json", contentEncoding: "identity", headers: headers(index),
            deliveryMode: .persistent, priority: 3, correlationId: "corr-\(index)", replyTo: "replies",
            expiration: "600000", messageId: "msg-\(index)", timestamp: stamp, type: "kiamo.message",
            appId: "kiamo-twitter-tests")
    }

    static func body(_ index: Int) -> Data {
        Data("{\"index\": \(index), \"text\": \"héllo \\\"world\\\"\"}".utf8) + Data(repeating: UInt8(index % 251), count: 64)
    }

    @Test func tenThousandPersistentMessagesArriveExactlyOnceWithBodiesPropertiesAndHeadersIntact() async throws {
        let session = try await BrokerSession.open("tenk")
        defer { Task { await session.connection.close() } }
        let publisher = try await session.connection.openChannel()
        let queue = TestBroker.uniqueName("test.tenk")
        try await publisher.queueDeclare(queue, durable: true)
        let total = 10_000

        let tally = Tally()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<100 {
                group.addTask {
                    while let index = await tally.take(limit: total) {
                        try await publisher.publish(routingKey: queue, body: Self.body(index), properties: Self.properties(index))
                        await tally.confirm("msg-\(index)")
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(await tally.confirmedCount == total)

        let consumerChannel = try await session.connection.openChannel()
        try await consumerChannel.qos(prefetchCount: 500)
        let consumer = try await consumerChannel.consume(queue: queue)
        var seen = Set<Int>()
        var mismatches = 0
        for try await delivery in consumer {
            guard let index = delivery.properties.headers["index"]?.intValue.map({ Int($0) }) else {
                mismatches += 1
                continue
            }
            if delivery.body != Self.body(index) || delivery.properties != Self.properties(index) || delivery.routingKey != queue || delivery.redelivered {
                mismatches += 1
            }
            seen.insert(index)
            try await consumerChannel.ack(delivery)
            if seen.count == total { break }
        }
        #expect(seen.count == total)
        #expect(mismatches == 0)
        try await consumer.cancel()
        // Nothing left over: no duplicate waits in the queue.
        try await eventually("the queue to be empty") {
            try await publisher.queueDeclare(queue, passive: true).messageCount == 0
        }
        try await publisher.queueDelete(queue)
    }

    @Test func anUnroutableMandatoryPublishThrowsUnroutable() async throws {
        let session = try await BrokerSession.open("unroutable")
        defer { Task { await session.connection.close() } }
        let channel = try await session.connection.openChannel()
        let exchange = TestBroker.uniqueName("test.nowhere")
        try await channel.exchangeDeclare(exchange, type: .direct, durable: false, autoDelete: false)
        await #expect(throws: AMQPError.unroutable(exchange: exchange, routingKey: "no.queue", replyCode: 312, replyText: "NO_ROUTE")) {
            try await channel.publish(exchange: exchange, routingKey: "no.queue", body: Data("lost".utf8), mandatory: true)
        }
        // Without mandatory the broker confirms and drops it; the channel is still fine.
        try await channel.publish(exchange: exchange, routingKey: "no.queue", body: Data("dropped".utf8))
        try await channel.exchangeDelete(exchange)
    }

    @Test func aBatchPublishReportsOneResultPerMessageInOrder() async throws {
        let session = try await BrokerSession.open("batch")
        defer { Task { await session.connection.close() } }
        let channel = try await session.connection.openChannel()
        let queue = TestBroker.uniqueName("test.batch")
        try await channel.queueDeclare(queue, durable: false)
        var messages = (0..<300).map { AMQPMessage(routingKey: queue, body: Data("b\($0)".utf8), properties: AMQPProperties(messageId: "b\($0)")) }
        messages[150] = AMQPMessage(exchange: "amq.direct", routingKey: "nobody.listens", body: Data(), mandatory: true)
        let results = await channel.publish(messages)
        #expect(results.count == 300)
        #expect(results.enumerated().allSatisfy { index, result in (try? result.get()) != nil || index == 150 })
        #expect(throws: AMQPError.unroutable(exchange: "amq.direct", routingKey: "nobody.listens", replyCode: 312, replyText: "NO_ROUTE")) {
            try results[150].get()
        }
        try await eventually("299 messages in the queue") {
            try await channel.queueDeclare(queue, passive: true).messageCount == 299
        }
        let first = try #require(try await channel.get(queue: queue))
        #expect(first.properties.messageId == "b0")
        try await channel.queueDelete(queue)
    }

    @Test func messagesSharingOrChangingTheirShapeArriveWithTheirOwnPropertiesAndAnUnencodableOneFailsAlone() async throws {
        // The client encodes a run of messages of one shape (properties, exchange, routing key)
        // once: each message must still go out with exactly its own.
        let session = try await BrokerSession.open("shapes")
        defer { Task { await session.connection.close() } }
        let channel = try await session.connection.openChannel()
        let first = TestBroker.uniqueName("test.shape.a")
        let second = TestBroker.uniqueName("test.shape.b")
        try await channel.queueDeclare(first, durable: false)
        try await channel.queueDeclare(second, durable: false)
        let shared = AMQPProperties(contentType: "text/plain", headers: ["x-kind": .string("shared")])
        var messages: [AMQPMessage] = []
        for index in 0..<120 {
            let queue = index % 40 < 20 ? first : second
            var properties = index % 3 == 0 ? shared : AMQPProperties(contentType: "text/plain", messageId: "m\(index)")
            if index % 7 == 0 { properties.headers["x-index"] = .int32(Int32(index)) }
            messages.append(AMQPMessage(routingKey: queue, body: Data("\(index)".utf8), properties: properties))
        }
        // A routing key over 255 bytes cannot be encoded: that message fails, and only it.
        messages[61] = AMQPMessage(routingKey: String(repeating: "k", count: 300), body: Data("61".utf8), properties: shared)
        let results = await channel.publish(messages)
        #expect(results.enumerated().allSatisfy { index, result in (try? result.get()) != nil || index == 61 })
        guard case .failure(.unencodable(_, _, let reason)) = results[61] else {
            Issue.record("expected unencodable, got \(results[61])")
            return
        }
        #expect(reason.contains("routing key"))
        var received: [Int: AMQPDelivery] = [:]
        for queue in [first, second] {
            while let delivery = try await channel.get(queue: queue) {
                received[Int(String(decoding: delivery.body, as: UTF8.self)) ?? -1] = delivery
                #expect(delivery.routingKey == queue)
            }
        }
        #expect(received.keys.sorted() == (0..<120).filter { $0 != 61 })
        for (index, delivery) in received {
            #expect(delivery.properties.contentType == messages[index].properties.contentType)
            #expect(delivery.properties.messageId == messages[index].properties.messageId, "message \(index)")
            #expect(delivery.properties.headers == messages[index].properties.headers, "message \(index)")
        }
        try await channel.queueDelete(first)
        try await channel.queueDelete(second)
    }

    @Test func aDeliveryRejectedWithoutRequeueLandsInItsDeadLetterQueue() async throws {
        let session = try await BrokerSession.open("dlq")
        defer { Task { await session.connection.close() } }
        let channel = try await session.connection.openChannel()
        let dlx = TestBroker.uniqueName("test.dlx")
        let dlq = TestBroker.uniqueName("test.dlq")
        let work = TestBroker.uniqueName("test.work")
        try await channel.exchangeDeclare(dlx, type: .topic)
        try await channel.queueDeclare(dlq)
        try await channel.queueBind(queue: dlq, exchange: dlx, routingKey: "#")
        try await channel.queueDeclare(work, arguments: ["x-dead-letter-exchange": .string(dlx)])
        try await channel.publish(routingKey: work, body: Data("poison".utf8), properties: AMQPProperties(deliveryMode: .persistent, messageId: "poison-1"))

        let delivery = try #require(try await channel.get(queue: work))
        #expect(delivery.body == Data("poison".utf8))
        #expect(delivery.messageCount == 0)
        try await channel.reject(delivery, requeue: false)

        let dead = try await eventuallyValue("the message in the dead-letter queue") { try await channel.get(queue: dlq) }
        #expect(dead.properties.messageId == "poison-1")
        #expect(dead.routingKey == work)
        let death = dead.properties.headers["x-death"]?.arrayValue?.first?.tableValue
        #expect(death?["reason"] == "rejected")
        try await channel.ack(dead)
        #expect(try await channel.get(queue: work) == nil)

        try await channel.queueDelete(work)
        try await channel.queueDelete(dlq)
        try await channel.exchangeDelete(dlx)
    }

    @Test func aPublishTheBrokerRefusesThrowsNacked() async throws {
        let session = try await BrokerSession.open("nacked")
        defer { Task { await session.connection.close() } }
        let channel = try await session.connection.openChannel()
        let queue = TestBroker.uniqueName("test.full")
        // A full queue with reject-publish overflow makes the broker nack further publishes.
        try await channel.queueDeclare(queue, durable: false, arguments: ["x-max-length": 1, "x-overflow": "reject-publish"])
        try await channel.publish(routingKey: queue, body: Data("fits".utf8))
        await #expect(throws: AMQPError.nacked(exchange: "", routingKey: queue)) {
            try await channel.publish(routingKey: queue, body: Data("overflows".utf8))
        }
        try await channel.queueDelete(queue)
    }

    @Test func deletingTheQueueEndsItsConsumerWithConsumerCancelled() async throws {
        let session = try await BrokerSession.open("cancelled")
        defer { Task { await session.connection.close() } }
        let channel = try await session.connection.openChannel()
        let queue = TestBroker.uniqueName("test.cancelled")
        try await channel.queueDeclare(queue, durable: false)
        let consumer = try await channel.consume(queue: queue)
        let other = try await session.connection.openChannel()
        try await other.queueDelete(queue)
        await #expect(throws: AMQPError.consumerCancelled(consumerTag: consumer.tag, queue: queue)) {
            for try await _ in consumer {}
        }
    }

    @Test func aNackedDeliveryComesBackMarkedRedelivered() async throws {
        let session = try await BrokerSession.open("nack")
        defer { Task { await session.connection.close() } }
        let channel = try await session.connection.openChannel()
        let queue = TestBroker.uniqueName("test.nack")
        try await channel.queueDeclare(queue)
        try await channel.publish(routingKey: queue, body: Data("again".utf8))

        let first = try #require(try await channel.get(queue: queue))
        #expect(!first.redelivered)
        try await channel.nack(first, requeue: true)
        let second = try await eventuallyValue("the requeued message") { try await channel.get(queue: queue) }
        #expect(second.redelivered)
        #expect(second.body == Data("again".utf8))
        try await channel.ack(second)
        try await channel.queueDelete(queue)
    }

    @Test func aPassiveDeclareOfAMissingQueueFailsAndTheChannelStaysUsable() async throws {
        let session = try await BrokerSession.open("passive")
        defer { Task { await session.connection.close() } }
        let channel = try await session.connection.openChannel()
        let missing = TestBroker.uniqueName("test.missing")
        await #expect {
            try await channel.queueDeclare(missing, passive: true)
        } throws: { error in
            guard case .channelClosed(let number, 404, let text) = error as? AMQPError else { return false }
            return number == channel.number && text.contains(missing)
        }
        // The same channel was reopened: declare, publish with confirm and get all work.
        let queue = TestBroker.uniqueName("test.after")
        try await channel.queueDeclare(queue)
        try await channel.publish(routingKey: queue, body: Data("fine".utf8))
        let delivery = try await eventuallyValue("the message") { try await channel.get(queue: queue) }
        try await channel.ack(delivery)
        #expect(session.connection.state == .connected(generation: 1))
        try await channel.queueDelete(queue)
    }

    @Test func publishingToAMissingExchangeFailsWithChannelClosed() async throws {
        let session = try await BrokerSession.open("noexchange")
        defer { Task { await session.connection.close() } }
        let channel = try await session.connection.openChannel()
        await #expect {
            try await channel.publish(exchange: TestBroker.uniqueName("test.absent"), routingKey: "k", body: Data())
        } throws: { error in
            if case .channelClosed(_, 404, _) = error as? AMQPError { return true }
            return false
        }
        try await channel.publish(routingKey: "amq.nonexistent-queue-is-fine", body: Data())
    }

    @Test func aQuorumQueueIsDeclaredAndCarriesMessages() async throws {
        let session = try await BrokerSession.open("quorum")
        defer { Task { await session.connection.close() } }
        let channel = try await session.connection.openChannel()
        let queue = TestBroker.uniqueName("test.quorum")
        let state = try await channel.queueDeclare(queue, durable: true, arguments: ["x-queue-type": "quorum"])
        #expect(state.name == queue)
        let listing = try await TestBroker.ctl("list_queues", "name", "type", "--quiet", "--no-table-headers")
        #expect(listing.split(separator: "\n").contains { $0.contains(queue) && $0.contains("quorum") })
        try await channel.publish(routingKey: queue, body: Data("q".utf8), properties: AMQPProperties(deliveryMode: .persistent))
        let delivery = try await eventuallyValue("the message") { try await channel.get(queue: queue) }
        try await channel.ack(delivery)
        try await channel.queueDelete(queue)
    }

    @Test func purgeAndDeleteReportHowManyMessagesTheyRemoved() async throws {
        let session = try await BrokerSession.open("counts")
        defer { Task { await session.connection.close() } }
        let channel = try await session.connection.openChannel()
        let queue = TestBroker.uniqueName("test.counts")
        try await channel.queueDeclare(queue, durable: false)
        for index in 0..<5 { try await channel.publish(routingKey: queue, body: Data([UInt8(index)])) }
        #expect(try await channel.queueDeclare(queue, passive: true).messageCount == 5)
        #expect(try await channel.queuePurge(queue) == 5)
        for index in 0..<3 { try await channel.publish(routingKey: queue, body: Data([UInt8(index)])) }
        #expect(try await channel.queueDelete(queue) == 3)
    }

    @Test func aClosedChannelRefusesWork() async throws {
        let session = try await BrokerSession.open("closedchannel")
        defer { Task { await session.connection.close() } }
        let channel = try await session.connection.openChannel()
        try await channel.close()
        await #expect(throws: AMQPError.channelClosedByApplication(channel: channel.number)) {
            try await channel.publish(routingKey: "x", body: Data())
        }
        await #expect(throws: AMQPError.channelClosedByApplication(channel: channel.number)) {
            try await channel.queueDeclare(TestBroker.uniqueName("test.never"))
        }
    }
}
