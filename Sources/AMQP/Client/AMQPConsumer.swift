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
    let stream: AsyncThrowingStream<AMQPDelivery, any Error>

    /// Iterates the deliveries; iterate it from one task.
    public func makeAsyncIterator() -> AsyncThrowingStream<AMQPDelivery, any Error>.AsyncIterator {
        stream.makeAsyncIterator()
    }

    /// Cancels the consumer on the broker; the sequence ends after what was already delivered.
    public func cancel() async throws {
        try await channel.cancel(consumerTag: tag)
    }
}
