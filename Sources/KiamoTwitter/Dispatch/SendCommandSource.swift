import AMQP
import Synchronization

/// A send command as the queue handed it over: what it says (`received`) and which delivery it is,
/// so the engine can settle it with the source it came from.
public struct QueuedCommand: Sendable {
    /// What arrived.
    public let received: SendDelivery
    /// The life of the consumer's channel it arrived in: after a reconnect the broker has already
    /// requeued it, and it cannot be settled (`SendCommandSourceError.staleDelivery`).
    public let generation: UInt64
    /// The source's tag for it within its generation.
    public let deliveryTag: UInt64
    /// The broker's delivery, when it came from one (`AMQPSendQueue`).
    let amqp: AMQPDelivery?

    /// A command from a source other than the broker (the unit tests' in-memory queue).
    public init(received: SendDelivery, generation: UInt64, deliveryTag: UInt64) {
        self.received = received
        self.generation = generation
        self.deliveryTag = deliveryTag
        amqp = nil
    }

    init(_ delivery: AMQPDelivery) {
        received = SendDelivery(delivery)
        generation = delivery.generation
        deliveryTag = delivery.deliveryTag
        amqp = delivery
    }
}

/// Why a settlement did not happen.
public enum SendCommandSourceError: Error, Sendable, Equatable {
    /// The delivery is from before a reconnect: the broker requeued it already and delivers it again.
    case staleDelivery
}

/// Where the dispatch engine's send commands come from and where their settlements go: the port
/// between `DispatchEngine` and the broker. `AMQPSendQueue` is the send queue on a broker channel;
/// the unit tests use an in-memory queue, so lane order, back-pressure and shutdown are tested
/// without a process (the process tests stay).
public protocol SendCommandSource: Sendable {
    associatedtype Commands: AsyncSequence<QueuedCommand, any Error>

    /// Starts delivering, at most `prefetch` commands unsettled at a time; the sequence ends when
    /// the consumer is cancelled and throws when the source fails (the engine starts it again).
    func consume(prefetch: Int) async throws -> Commands
    /// Stops delivering (graceful shutdown); what is delivered and unsettled may still be settled.
    func stopConsuming() async
    /// The command is done with: it leaves the queue.
    func ack(_ command: QueuedCommand) async throws
    /// The command goes back to the queue, to be delivered again (here or to another worker).
    func handBack(_ command: QueuedCommand) async throws
}

/// The send queue on a broker channel: consume with `prefetch` as the channel's QoS, ack, and
/// nack with requeue.
public final class AMQPSendQueue: SendCommandSource {
    public typealias Commands = AsyncMapSequence<AMQPConsumer, QueuedCommand>

    let channel: AMQPChannel
    let queue: String
    private let consumer = Mutex<AMQPConsumer?>(nil)

    public init(channel: AMQPChannel, queue: String) {
        self.channel = channel
        self.queue = queue
    }

    public func consume(prefetch: Int) async throws -> Commands {
        try await channel.qos(prefetchCount: UInt16(clamping: prefetch))
        let consumer = try await channel.consume(queue: queue)
        self.consumer.withLock { $0 = consumer }
        return consumer.map { QueuedCommand($0) }
    }

    public func stopConsuming() async {
        let consumer = self.consumer.withLock { $0 }
        try? await consumer?.cancel()
    }

    public func ack(_ command: QueuedCommand) async throws {
        guard let delivery = command.amqp else { preconditionFailure("a command not delivered by the broker settled on AMQPSendQueue") }
        try await settle { try await channel.ack(delivery) }
    }

    public func handBack(_ command: QueuedCommand) async throws {
        guard let delivery = command.amqp else { preconditionFailure("a command not delivered by the broker settled on AMQPSendQueue") }
        try await settle { try await channel.nack(delivery, requeue: true) }
    }

    private func settle(_ operation: () async throws -> Void) async throws {
        do {
            try await operation()
        } catch AMQPError.staleDelivery {
            throw SendCommandSourceError.staleDelivery
        }
    }
}
