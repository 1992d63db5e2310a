/// The deliveries of one consumer, in order, as an async sequence.
///
/// It continues across reconnects (deliveries from before one are stale: settling them throws
/// `staleDelivery`, and the broker delivers them again). It ends normally when cancelled or its
/// channel or connection is closed by the application, and with an error when the connection
/// is closed for good or the broker cancels the consumer. Dropping the iteration cancels the
/// consumer on the broker.
public struct AMQPConsumer: AsyncSequence, Sendable {
    /// One delivery.
    public typealias Element = AMQPDelivery

    /// The consumer tag.
    public let tag: String
    /// The queue it consumes (as declared; a server-named queue may be renamed by a reconnect).
    public let queue: String
    /// The channel its deliveries are settled on.
    public let channel: AMQPChannel
    /// Shared by every copy of this value and every iterator: when the last of them goes, the
    /// consumer is cancelled on the broker.
    let holder: DeliveryHolder

    init(tag: String, queue: String, channel: AMQPChannel, buffer: DeliveryBuffer) {
        self.tag = tag
        self.queue = queue
        self.channel = channel
        holder = DeliveryHolder(buffer)
    }

    /// Iterates the deliveries; iterate it from one task.
    public func makeAsyncIterator() -> Iterator {
        Iterator(holder: holder)
    }

    public struct Iterator: AsyncIteratorProtocol {
        let holder: DeliveryHolder

        public mutating func next() async throws -> AMQPDelivery? {
            try await holder.buffer.next()
        }
    }

    /// Cancels the consumer on the broker; the sequence ends after what was already delivered.
    public func cancel() async throws {
        try await channel.cancel(consumerTag: tag)
    }
}

/// The consumer side's hold on a `DeliveryBuffer`: released by the last `AMQPConsumer` copy and
/// iterator, it cancels the buffer (and so the consumer on the broker).
final class DeliveryHolder: Sendable {
    let buffer: DeliveryBuffer

    init(_ buffer: DeliveryBuffer) { self.buffer = buffer }

    deinit { buffer.cancel() }
}
