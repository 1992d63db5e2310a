import Foundation
import Synchronization
import Testing

@testable import AMQP

/// The hand-over of deliveries from the connection thread to the task iterating a consumer:
/// order, the two ends (`finish` from the connection, `cancel` from the consumer side), and the
/// cancellation of the consumer on the broker when the iterating side goes away.
@Suite struct DeliveryBufferTests {
    func delivery(_ tag: UInt64) -> AMQPDelivery {
        AMQPDelivery(
            body: Data("m\(tag)".utf8), properties: AMQPProperties(), exchange: "x", routingKey: "k", redelivered: false,
            deliveryTag: tag, consumerTag: "c", messageCount: nil, channelNumber: 1, generation: 1)
    }

    final class Counter: Sendable {
        let value = Mutex(0)
        func add() { value.withLock { $0 += 1 } }
        var count: Int { value.withLock { $0 } }
    }

    @Test func whatWasBufferedComesOutInOrderThenTheEnd() async throws {
        let buffer = DeliveryBuffer()
        for tag: UInt64 in 1...3 { #expect(buffer.yield(delivery(tag))) }
        buffer.finish()
        #expect(!buffer.yield(delivery(4)), "nothing is taken after the end")
        var tags: [UInt64] = []
        while let next = try await buffer.next() { tags.append(next.deliveryTag) }
        #expect(tags == [1, 2, 3])
        #expect(try await buffer.next() == nil)
    }

    @Test func anErrorComesAfterWhatWasBufferedAndOnlyOnce() async throws {
        let buffer = DeliveryBuffer()
        #expect(buffer.yield(delivery(1)))
        buffer.finish(throwing: AMQPError.connectionLost(reason: "gone"))
        #expect(try await buffer.next()?.deliveryTag == 1)
        await #expect(throws: AMQPError.self) { try await buffer.next() }
        #expect(try await buffer.next() == nil)
    }

    @Test func aWaitingIterationIsWokenByTheNextDeliveryAndByTheEnd() async throws {
        let buffer = DeliveryBuffer()
        let waiting = Task { try await buffer.next()?.deliveryTag }
        // Whether the task waits already or not, the delivery reaches it.
        #expect(buffer.yield(delivery(7)))
        #expect(try await waiting.value == 7)
        let ending = Task { try await buffer.next() }
        buffer.finish()
        #expect(try await ending.value == nil)
    }

    @Test func cancellingTheIteratingTaskEndsItCancelsTheConsumerOnceAndRefusesWhatFollows() async throws {
        let buffer = DeliveryBuffer()
        let cancels = Counter()
        buffer.onCancel { cancels.add() }
        let waiting = Task { try await buffer.next() }
        waiting.cancel()
        #expect(try await waiting.value == nil)
        #expect(cancels.count == 1)
        #expect(!buffer.yield(delivery(1)), "a delivery after the cancel goes back to the broker")
        buffer.cancel()
        buffer.finish()
        #expect(cancels.count == 1, "once")
    }

    @Test func theEndFromTheConnectionIsNoCancel() async throws {
        let buffer = DeliveryBuffer()
        let cancels = Counter()
        buffer.onCancel { cancels.add() }
        buffer.finish()
        buffer.cancel()
        #expect(cancels.count == 0)
    }

    @Test func droppingEveryConsumerAndIteratorCancelsTheConsumer() async throws {
        let buffer = DeliveryBuffer()
        let cancels = Counter()
        buffer.onCancel { cancels.add() }
        var holder: DeliveryHolder? = DeliveryHolder(buffer)
        var iterator: DeliveryHolder? = holder
        holder = nil
        #expect(cancels.count == 0, "an iterator still holds it")
        _ = iterator
        iterator = nil
        #expect(cancels.count == 1)
        #expect(!buffer.yield(delivery(1)))
    }
}
