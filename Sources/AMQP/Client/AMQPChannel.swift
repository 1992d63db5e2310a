import Foundation

/// An AMQP channel in publisher-confirm mode. Every method is safe to call from any task.
///
/// The channel outlives connection losses and channel errors: after either it is opened again
/// with the same number, confirm mode and prefetch, and its consumers are resumed. A method that
/// was on the wire when that happened fails (`connectionLost`, `channelClosed`); methods called
/// while the connection is down wait for it, at most `operationTimeout`. Declarations made
/// through it are remembered by the connection and declared again after a reconnect.
public final class AMQPChannel: Sendable {
    /// The channel number on the connection.
    public let number: UInt16
    /// The connection it belongs to; a channel keeps it alive (dropping the last handle closes it).
    public let connection: AMQPConnection
    var core: ConnectionCore { connection.core }

    init(number: UInt16, connection: AMQPConnection) {
        self.number = number
        self.connection = connection
    }

    // MARK: - Topology

    /// Declares an exchange (or with `passive`, checks that it exists: a missing one throws
    /// `channelClosed` with code 404).
    public func exchangeDeclare(
        _ name: String, type: AMQPExchangeType, durable: Bool = true, autoDelete: Bool = false,
        internal isInternal: Bool = false, passive: Bool = false, arguments: AMQPTable = [:]
    ) async throws {
        _ = try await rpc(.declare(.exchange(name: name, type: type, durable: durable, autoDelete: autoDelete, internal: isInternal, arguments: arguments), passive: passive))
    }

    /// Deletes an exchange (only when unused with `ifUnused`).
    public func exchangeDelete(_ name: String, ifUnused: Bool = false) async throws {
        _ = try await rpc(.exchangeDelete(name: name, ifUnused: ifUnused))
    }

    /// Binds exchange `destination` to `source` (an exchange-to-exchange binding).
    public func exchangeBind(destination: String, source: String, routingKey: String, arguments: AMQPTable = [:]) async throws {
        _ = try await rpc(.declare(.exchangeBinding(destination: destination, source: source, routingKey: routingKey, arguments: arguments), passive: false))
    }

    /// Removes an exchange-to-exchange binding.
    public func exchangeUnbind(destination: String, source: String, routingKey: String, arguments: AMQPTable = [:]) async throws {
        _ = try await rpc(.exchangeUnbind(.exchangeBinding(destination: destination, source: source, routingKey: routingKey, arguments: arguments)))
    }

    /// Declares a queue and returns its name and counts. An empty name lets the broker pick one
    /// (after a reconnect such a queue is declared again under a new name, which bindings and
    /// consumers follow). Arguments carry `x-dead-letter-exchange`, `x-message-ttl`,
    /// `x-queue-type: quorum` and the like. With `passive` it only checks the queue exists (a
    /// missing one throws `channelClosed` with code 404; the channel stays usable).
    @discardableResult
    public func queueDeclare(
        _ name: String = "", durable: Bool = true, exclusive: Bool = false, autoDelete: Bool = false,
        passive: Bool = false, arguments: AMQPTable = [:]
    ) async throws -> AMQPQueueState {
        let entry = TopologyEntry.queue(name: name, durable: durable, exclusive: exclusive, autoDelete: autoDelete, arguments: arguments, serverNamed: name.isEmpty)
        guard case .queue(let state) = try await rpc(.declare(entry, passive: passive)) else {
            throw AMQPError.protocolError("queue.declare answered without queue.declare-ok")
        }
        return state
    }

    /// Binds a queue to an exchange.
    public func queueBind(queue: String, exchange: String, routingKey: String, arguments: AMQPTable = [:]) async throws {
        _ = try await rpc(.declare(.queueBinding(queue: queue, exchange: exchange, routingKey: routingKey, arguments: arguments), passive: false))
    }

    /// Removes a queue binding.
    public func queueUnbind(queue: String, exchange: String, routingKey: String, arguments: AMQPTable = [:]) async throws {
        _ = try await rpc(.queueUnbind(.queueBinding(queue: queue, exchange: exchange, routingKey: routingKey, arguments: arguments)))
    }

    /// Removes every ready message of a queue; returns how many.
    @discardableResult
    public func queuePurge(_ name: String) async throws -> UInt32 {
        guard case .messageCount(let count) = try await rpc(.queuePurge(name: name)) else {
            throw AMQPError.protocolError("queue.purge answered without queue.purge-ok")
        }
        return count
    }

    /// Deletes a queue; returns how many messages it held.
    @discardableResult
    public func queueDelete(_ name: String, ifUnused: Bool = false, ifEmpty: Bool = false) async throws -> UInt32 {
        guard case .messageCount(let count) = try await rpc(.queueDelete(name: name, ifUnused: ifUnused, ifEmpty: ifEmpty)) else {
            throw AMQPError.protocolError("queue.delete answered without queue.delete-ok")
        }
        return count
    }

    /// Limits unacknowledged deliveries to `prefetchCount` per consumer (per channel with
    /// `global`); also bounds what a consumer's stream buffers. Restored after reconnects.
    public func qos(prefetchCount: UInt16, global: Bool = false) async throws {
        _ = try await rpc(.qos(prefetchCount: prefetchCount, global: global))
    }

    // MARK: - Publishing

    /// Publishes a message and returns once the broker confirmed it (for a persistent message
    /// to a durable queue: once it is on disk or replicated).
    ///
    /// Throws `unroutable` when `mandatory` and no queue matched, `nacked` when the broker
    /// refused it, `connectionLost` when the connection dropped before the confirm (publish it
    /// again), `channelClosed` when the broker closed the channel over it (e.g. a missing
    /// exchange), `timeout` when the connection stayed down or blocked for `operationTimeout`
    /// before it could be written. Many calls may be in flight at once on one channel; that is
    /// how throughput is reached. A mandatory message carries an extra header
    /// `x-publish-tag` (`AMQPMessage.publishTagHeader`, its confirm tag) so a return is matched to its publish.
    public func publish(
        exchange: String = "", routingKey: String, body: Data,
        properties: AMQPProperties = AMQPProperties(), mandatory: Bool = false
    ) async throws {
        let deadline = core.operationDeadline()
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            core.submit(
                .publish(
                    PublishRequest(
                        channel: number, exchange: exchange, routingKey: routingKey, body: body,
                        properties: properties, mandatory: mandatory, deadline: deadline,
                        completion: .single(SinglePublish(Promise(continuation), exchange: exchange, routingKey: routingKey)))))
        }
    }

    /// Publishes `messages` in order, written together, and returns once each one is confirmed
    /// or failed: one result per message, in the same order, with the errors `publish` throws.
    ///
    /// A batch keeps many messages in flight with one waiting task, which is cheaper than one
    /// task per message when throughput matters. Results say exactly which ones to retry.
    public func publish(_ messages: [AMQPMessage]) async -> [Result<Void, AMQPError>] {
        guard !messages.isEmpty else { return [] }
        let deadline = core.operationDeadline()
        let results = try? await withCheckedThrowingContinuation { (continuation: CheckedContinuation<[Result<Void, AMQPError>], any Error>) in
            core.submit(.publishBatch(channel: number, messages, deadline: deadline, Promise(continuation)))
        }
        return results ?? messages.map { _ in .failure(.protocolError("the batch was not answered")) }
    }

    // MARK: - Consuming

    /// Starts a consumer with manual acknowledgement. Its deliveries arrive in order on the
    /// returned sequence, which continues across reconnects and ends with an error only when
    /// the connection closes for good or the broker cancels the consumer. Set `qos` first to
    /// bound what it buffers.
    public func consume(queue: String, consumerTag: String? = nil, exclusive: Bool = false, arguments: AMQPTable = [:]) async throws -> AMQPConsumer {
        let tag = consumerTag ?? "kiamo-\(UUID().uuidString.lowercased())"
        let buffer = DeliveryBuffer()
        let core = self.core
        let number = self.number
        buffer.onCancel { core.submit(.abandonConsumer(channel: number, tag: tag)) }
        // Made before the consumer starts: if starting it fails, the holder's release cancels it.
        let consumer = AMQPConsumer(tag: tag, queue: queue, channel: self, buffer: buffer)
        core.submit(.registerConsumer(channel: number, ConsumerRegistration(tag: tag, queue: queue, exclusive: exclusive, arguments: arguments, deliveries: buffer)))
        _ = try await rpc(.consume(queue: queue, tag: tag, exclusive: exclusive, arguments: arguments))
        return consumer
    }

    /// Fetches one message (`basic.get`, manual ack), or nil when the queue is empty.
    public func get(queue: String) async throws -> AMQPDelivery? {
        guard case .delivery(let delivery) = try await rpc(.get(queue: queue)) else {
            throw AMQPError.protocolError("basic.get answered without basic.get-ok or get-empty")
        }
        return delivery
    }

    /// Cancels a consumer by tag; its sequence ends normally.
    public func cancel(consumerTag: String) async throws {
        _ = try await rpc(.cancel(tag: consumerTag))
    }

    // MARK: - Acknowledgements

    /// Acknowledges `delivery` (and every earlier unacknowledged one on this channel with
    /// `multiple`). Throws `staleDelivery` when it came before a reconnect or channel reopen.
    ///
    /// Settling goes by delivery rather than bare tag so the generation check is always made: a
    /// tag from an earlier connection would ack someone else's message on the new one.
    public func ack(_ delivery: AMQPDelivery, multiple: Bool = false) async throws {
        try await settle(delivery, .ack(multiple: multiple))
    }

    /// Negatively acknowledges `delivery` (and earlier ones with `multiple`): requeued, or
    /// dead-lettered / dropped when `requeue` is false.
    public func nack(_ delivery: AMQPDelivery, multiple: Bool = false, requeue: Bool = true) async throws {
        try await settle(delivery, .nack(multiple: multiple, requeue: requeue))
    }

    /// Rejects `delivery`: requeued, or dead-lettered / dropped when `requeue` is false.
    public func reject(_ delivery: AMQPDelivery, requeue: Bool = true) async throws {
        try await settle(delivery, .reject(requeue: requeue))
    }

    /// Closes the channel: unconfirmed publishes fail, consumers' sequences end.
    public func close() async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            core.submit(.closeChannel(number, Promise(continuation)))
        }
    }

    // MARK: - Plumbing

    private func settle(_ delivery: AMQPDelivery, _ kind: SettleRequest.Kind) async throws {
        guard delivery.channelNumber == number else {
            throw AMQPError.invalidArgument("delivery \(delivery.deliveryTag) came on channel \(delivery.channelNumber), not \(number)")
        }
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            core.submit(.settle(SettleRequest(channel: number, deliveryTag: delivery.deliveryTag, generation: delivery.generation, kind: kind, promise: Promise(continuation))))
        }
    }

    private func rpc(_ request: RPCRequest) async throws -> RPCReply {
        let deadline = core.operationDeadline()
        return try await withCheckedThrowingContinuation { continuation in
            core.submit(.rpc(channel: number, request, deadline: deadline, Promise(continuation)))
        }
    }
}
