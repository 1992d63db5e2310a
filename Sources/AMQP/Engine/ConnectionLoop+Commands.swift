internal import CRabbitMQ
import DequeModule
import Foundation

/// Commands from async callers, run on the connection thread.
extension ConnectionLoop {
    func handle(_ command: Command) {
        if closeDeadline != nil, !command.isClose {
            command.fail(.connectionClosedByApplication)
            return
        }
        switch command {
        case .openChannel(_, let promise):
            guard live != nil else { parked.append(command); return }
            openNewChannel(promise)
        case .closeChannel(let number, let promise):
            closeChannel(number, promise)
        case .rpc(let number, let request, let deadline, let promise):
            rpc(number, request, deadline: deadline, promise: promise, command: command)
        case .publish(let request):
            publish(request)
        case .publishBatch(let number, let messages, let deadline, let promise):
            publishBatch(number, messages, deadline: deadline, promise: promise)
        case .settle(let request):
            settle(request)
        case .registerConsumer(let number, let registration):
            guard let channel = channels[number] else {
                registration.deliveries.finish(throwing: AMQPError.channelClosedByApplication(channel: number))
                return
            }
            channel.addConsumer(registration)
        case .abandonConsumer(let number, let tag):
            abandonConsumer(number, tag)
        case .close(let promise):
            if let promise { closePromises.append(promise) }
            if closeDeadline == nil {
                closeDeadline = clock.now + configuration.operationTimeout
                for request in held { request.completion.fail(.connectionClosedByApplication) }
                held.removeAll()
                for waiting in parked { waiting.fail(.connectionClosedByApplication) }
                parked.removeAll()
            }
        }
    }

    // MARK: - Channels

    private func openNewChannel(_ promise: Promise<UInt16>) {
        let channelMax = min(live?.channelMax ?? 2047, Int(UInt16.max))
        guard let number = (1...max(channelMax, 1)).first(where: { channels[UInt16($0)] == nil }).map({ UInt16($0) }) else {
            promise.fail(.noChannelAvailable(max: channelMax))
            return
        }
        let channel = ChannelState(number: number)
        channels[number] = channel
        do {
            try openChannel(channel)
            promise.succeed(number)
        } catch {
            channels[number] = nil
            promise.fail(broken ?? (error as? AMQPError) ?? .protocolError("\(error)"))
        }
    }

    /// channel.open, confirm.select and the channel's qos, waiting for each reply on this thread
    /// (a round trip each; frames for other channels are queued by librabbitmq meanwhile).
    func openChannel(_ channel: ChannelState) throws {
        generationCounter += 1
        channel.generation = generationCounter
        _ = try blockingRPC(channel.number, .channelOpen)
        _ = try blockingRPC(channel.number, .confirmSelect)
        if let qos = channel.qos {
            _ = try blockingRPC(channel.number, .qos(prefetchCount: qos.count, global: qos.global))
        }
        channel.isOpen = true
    }

    private func closeChannel(_ number: UInt16, _ promise: Promise<Void>) {
        guard let channel = channels[number] else { promise.succeed(); return }
        let closed = AMQPError.channelClosedByApplication(channel: number)
        guard live != nil, channel.isOpen else {
            removeChannel(channel, error: closed)
            promise.succeed()
            return
        }
        enqueueRPC(
            channel,
            PendingRPC(request: .channelClose, deadline: core.operationDeadline()) { [unowned self] _ in
                self.removeChannel(channel, error: closed)
                promise.succeed()
            })
    }

    /// Forgets a channel the application closed; its waiters fail, its consumers end normally.
    private func removeChannel(_ channel: ChannelState, error: AMQPError) {
        guard channels[channel.number] === channel else { return }
        channels[channel.number] = nil
        channel.isOpen = false
        failChannelWork(channel, error: error, includingQueued: true)
        for tag in channel.consumerOrder { channel.removeConsumer(tag, error: nil) }
        held = held.filter { request in
            guard request.channel == channel.number else { return true }
            request.completion.fail(error)
            return false
        }
    }

    // MARK: - Synchronous methods

    private func rpc(_ number: UInt16, _ request: RPCRequest, deadline: ContinuousClock.Instant, promise: Promise<RPCReply>, command: Command) {
        guard let channel = channels[number] else {
            promise.fail(.channelClosedByApplication(channel: number))
            return
        }
        if live == nil {
            if case .cancel(let tag) = request {
                // The consumer is gone with the connection; just stop resuming it.
                channel.removeConsumer(tag, error: nil)
                promise.succeed(.done)
            } else {
                parked.append(command)
            }
            return
        }
        enqueueRPC(
            channel,
            PendingRPC(request: request, deadline: deadline) { [unowned self] result in
                self.rpcFinished(channel, request, result)
                promise.complete(result)
            })
    }

    /// Bookkeeping after a synchronous method: remember topology, track qos and consumers.
    private func rpcFinished(_ channel: ChannelState, _ request: RPCRequest, _ result: Result<RPCReply, AMQPError>) {
        switch (request, result) {
        case (.declare(let entry, false), .success(let reply)):
            if case .queue(_, let durable, let exclusive, let autoDelete, let arguments, true) = entry, case .queue(let state) = reply {
                topology.record(.queue(name: state.name, durable: durable, exclusive: exclusive, autoDelete: autoDelete, arguments: arguments, serverNamed: true))
            } else {
                topology.record(entry)
            }
        case (.exchangeDelete(let name, _), .success):
            topology.exchangeDeleted(name)
        case (.queueDelete(let name, _, _), .success):
            topology.queueDeleted(name)
        case (.queueUnbind(let binding), .success), (.exchangeUnbind(let binding), .success):
            topology.unbound(binding)
        case (.qos(let count, let global), .success):
            channel.qos = (count, global)
        case (.consume(_, let tag, _, _), .success):
            channel.consumers[tag]?.active = true
        case (.consume(_, let tag, _, _), .failure(let error)):
            channel.removeConsumer(tag, error: error)
        case (.cancel(let tag), .success):
            channel.removeConsumer(tag, error: nil)
        default:
            break
        }
    }

    func enqueueRPC(_ channel: ChannelState, _ rpc: PendingRPC) {
        channel.rpcs.append(rpc)
        startNextRPC(channel)
    }

    /// Puts the channel's next synchronous method on the wire when none is awaiting its reply.
    func startNextRPC(_ channel: ChannelState) {
        while !channel.rpcInFlight, channel.isOpen, live != nil, broken == nil, let next = channel.rpcs.first {
            encoder.reset()
            defer { encoder.reset() }
            let encoded: (amqp_method_number_t, UnsafeMutableRawPointer)
            do {
                encoded = try next.request.encode(encoder)
            } catch {
                channel.rpcs.removeFirst()
                next.completion(.failure(error as? AMQPError ?? .protocolError("\(error)")))
                continue
            }
            channel.rpcInFlight = true
            transmit(next.request.label) { amqp_send_method($0, channel.number, encoded.0, encoded.1) }
            return
        }
    }

    /// Sends `request` and waits for its reply on this thread (librabbitmq queues any other
    /// frame meanwhile; the loop processes them next). Used to open channels and during recovery,
    /// bounded by the RPC timeout set at connect.
    func blockingRPC(_ number: UInt16, _ request: RPCRequest) throws -> RPCReply {
        guard let live, broken == nil else { throw broken ?? AMQPError.connectionLost(reason: "not connected") }
        uncork()
        encoder.reset()
        defer { encoder.reset() }
        let (id, method) = try request.encode(encoder)
        var replies = request.replies + [0]
        let reply = amqp_simple_rpc(live.state, number, id, &replies, method)
        switch reply.reply_type {
        case AMQP_RESPONSE_NORMAL:
            lastSend = clock.now
            lastReceive = clock.now
            return decodeReply(reply.reply.id, reply.reply.decoded)
        case AMQP_RESPONSE_SERVER_EXCEPTION where reply.reply.id == MethodID.channelClose:
            let close = reply.reply.decoded.assumingMemoryBound(to: amqp_channel_close_t.self).pointee
            sendMethod(channel: number, MethodID.channelCloseOk) { try UnsafeMutableRawPointer($0.allocate(amqp_channel_close_ok_t.self)) }
            if let channel = channels[number] { channel.isOpen = false }
            throw AMQPError.channelClosed(channel: number, code: close.reply_code, text: CDecoder.string(close.reply_text))
        case AMQP_RESPONSE_SERVER_EXCEPTION where reply.reply.id == MethodID.connectionClose:
            let close = reply.reply.decoded.assumingMemoryBound(to: amqp_connection_close_t.self).pointee
            sendMethod(channel: 0, MethodID.connectionCloseOk) { try UnsafeMutableRawPointer($0.allocate(amqp_connection_close_ok_t.self)) }
            let error = AMQPError.connectionClosed(code: close.reply_code, text: CDecoder.string(close.reply_text))
            broken = error
            throw error
        default:
            let error = AMQPError.connectionLost(reason: "\(request.label) failed: \(CDecoder.status(reply.library_error))")
            broken = error
            throw error
        }
    }

    /// Copies a reply's fields out of librabbitmq's pool.
    func decodeReply(_ id: amqp_method_number_t, _ decoded: UnsafeMutableRawPointer?) -> RPCReply {
        guard let decoded else { return .done }
        switch id {
        case MethodID.queueDeclareOk:
            let ok = decoded.assumingMemoryBound(to: amqp_queue_declare_ok_t.self).pointee
            return .queue(AMQPQueueState(name: CDecoder.string(ok.queue), messageCount: ok.message_count, consumerCount: ok.consumer_count))
        case MethodID.queuePurgeOk:
            return .messageCount(decoded.assumingMemoryBound(to: amqp_queue_purge_ok_t.self).pointee.message_count)
        case MethodID.queueDeleteOk:
            return .messageCount(decoded.assumingMemoryBound(to: amqp_queue_delete_ok_t.self).pointee.message_count)
        case MethodID.basicGetEmpty:
            return .delivery(nil)
        default:
            return .done
        }
    }

    // MARK: - Recovery

    /// Declares the recorded topology again on a temporary channel, in declaration order. A
    /// declaration the broker refuses is reported and skipped; the rest goes on.
    func recoverTopology() throws {
        queueRenames = [:]
        let entries = topology.entries
        guard !entries.isEmpty else { return }
        guard let number = (1...Int(UInt16.max)).lazy.map({ UInt16($0) }).first(where: { self.channels[$0] == nil }) else { return }
        _ = try blockingRPC(number, .channelOpen)
        for recorded in entries {
            let entry = renamed(recorded)
            do {
                let reply = try blockingRPC(number, .declare(entry, passive: false))
                if case .queue(let old, _, _, _, _, true) = entry, case .queue(let state) = reply, state.name != old {
                    topology.renameQueue(from: old, to: state.name)
                    queueRenames[old] = state.name
                    logger.info("AMQP server-named queue \(old) is now \(state.name)")
                }
            } catch let error as AMQPError {
                guard case .channelClosed = error else { throw error }
                logger.debug("AMQP could not declare \(entry.label) again after reconnecting: \(error)")
                core.events.emit(.topologyRecoveryFailed(entity: entry.label, error: error))
                _ = try blockingRPC(number, .channelOpen)
            }
        }
        _ = try blockingRPC(number, .channelClose)
    }

    private func renamed(_ entry: TopologyEntry) -> TopologyEntry {
        if case .queueBinding(let queue, let exchange, let key, let arguments) = entry, let new = queueRenames[queue] {
            return .queueBinding(queue: new, exchange: exchange, routingKey: key, arguments: arguments)
        }
        return entry
    }

    /// basic.consume again for every confirmed consumer of the channel, same tag, same stream.
    /// A consumer the broker refuses now (its queue is gone) ends with that error.
    func resumeConsumers(_ channel: ChannelState) throws {
        for tag in channel.consumerOrder {
            guard var consumer = channel.consumers[tag], consumer.active else { continue }
            if let new = queueRenames[consumer.queue] {
                consumer.queue = new
                channel.consumers[tag] = consumer
            }
            let registration = consumer.registration
            do {
                _ = try blockingRPC(channel.number, .consume(queue: consumer.queue, tag: tag, exclusive: registration.exclusive, arguments: registration.arguments))
            } catch let error as AMQPError {
                guard case .channelClosed = error else { throw error }
                logger.error("AMQP could not resume consumer \(tag) on queue '\(consumer.queue)': \(error)")
                channel.removeConsumer(tag, error: error)
                try openChannel(channel)
            }
        }
    }

    // MARK: - Publishing

    private func publish(_ request: PublishRequest) {
        guard let channel = channels[request.channel] else {
            request.completion.fail(.channelClosedByApplication(channel: request.channel))
            return
        }
        guard held.isEmpty, canWrite(channel) else {
            held.append(request)
            return
        }
        write(request, on: channel)
    }

    /// Writes a batch's messages straight from its array while the connection allows, and holds
    /// the rest in order: a `PublishRequest` (a copy of the message) is made only for one that waits.
    private func publishBatch(_ number: UInt16, _ messages: [AMQPMessage], deadline: ContinuousClock.Instant, promise: Promise<[Result<Void, AMQPError>]>) {
        let batch = PublishBatch(messages: messages, promise: promise)
        guard let channel = channels[number] else {
            for index in messages.indices { batch.fail(index, .channelClosedByApplication(channel: number)) }
            return
        }
        // Read in place through the buffer: fields passed on from it are borrowed, not copied
        // (a retain and a release of each string, the body and the properties, per message).
        messages.withUnsafeBufferPointer { messages in
            for index in messages.indices {
                if held.isEmpty, canWrite(channel) {
                    write(
                        exchange: messages[index].exchange, routingKey: messages[index].routingKey, body: messages[index].body,
                        properties: messages[index].properties, mandatory: messages[index].mandatory,
                        completion: .batchItem(batch, index: index), on: channel)
                } else {
                    held.append(
                        PublishRequest(
                            channel: number, exchange: messages[index].exchange, routingKey: messages[index].routingKey,
                            body: messages[index].body, properties: messages[index].properties, mandatory: messages[index].mandatory,
                            deadline: deadline, completion: .batchItem(batch, index: index)))
                }
            }
        }
    }

    private func canWrite(_ channel: ChannelState) -> Bool {
        live != nil && !isBroken && blockedReason == nil && channel.isOpen
    }

    /// Writes held publishes, oldest first, as far as the connection allows.
    func flushHeld() {
        while let first = held.first, !isBroken {
            guard let channel = channels[first.channel] else {
                held.removeFirst()
                first.completion.fail(.channelClosedByApplication(channel: first.channel))
                continue
            }
            guard canWrite(channel) else { return }
            held.removeFirst()
            write(first, on: channel)
        }
    }

    private func write(_ request: PublishRequest, on channel: ChannelState) {
        write(
            exchange: request.exchange, routingKey: request.routingKey, body: request.body, properties: request.properties,
            mandatory: request.mandatory, completion: request.completion, on: channel)
    }

    private func write(
        exchange: String, routingKey: String, body: Data, properties: AMQPProperties, mandatory: Bool,
        completion: consuming PublishCompletion, on channel: ChannelState
    ) {
        let frameMax = live.map { Int(amqp_get_frame_max($0.state)) } ?? configuration.frameMax
        guard !mandatory else {
            writeMandatory(exchange: exchange, routingKey: routingKey, body: body, properties: properties, frameMax: frameMax, completion: completion, on: channel)
            return
        }
        // Checked and encoded once for a run of messages of one shape (`PublishShape`).
        if !shape.matches(properties: properties, exchange: exchange, routingKey: routingKey, frameMax: frameMax) {
            do {
                try shape.adopt(properties: properties, exchange: exchange, routingKey: routingKey, frameMax: frameMax)
            } catch {
                // Caught before a frame is written: this publish fails, the connection stays up.
                completion.fail(error as? AMQPError ?? .protocolError("\(error)"))
                return
            }
        }
        _ = channel.confirms.register(completion)
        let shape = self.shape
        body.withUnsafeBytes { body in
            let bytes = amqp_bytes_t(len: body.count, bytes: body.baseAddress.map { UnsafeMutableRawPointer(mutating: $0) })
            transmit("basic.publish to '\(exchange)'") {
                amqp_basic_publish($0, channel.number, shape.exchangeBytes, shape.routingKeyBytes, 0, 0, shape.properties, bytes)
            }
        }
    }

    /// A mandatory message carries its own confirm tag in its headers: checked and encoded alone.
    private func writeMandatory(
        exchange: String, routingKey: String, body: Data, properties: AMQPProperties, frameMax: Int,
        completion: PublishCompletion, on channel: ChannelState
    ) {
        encoder.reset()
        defer { encoder.reset() }
        let tagHeader: (key: String, value: AMQPValue) = (Self.publishTagHeader, .int64(Int64(channel.confirms.nextTag)))
        let tagBytes = 1 + tagHeader.key.utf8.count + AMQPWireSize.field(tagHeader.value) + (properties.headers.isEmpty ? 4 : 0)
        if let problem = AMQPWireSize.problem(
            exchange: exchange, routingKey: routingKey, properties: properties, frameMax: frameMax, extraHeaderBytes: tagBytes)
        {
            completion.fail(.unencodable(exchange: String(exchange.prefix(255)), routingKey: String(routingKey.prefix(255)), reason: problem))
            return
        }
        var encodedProperties: amqp_basic_properties_t
        let encodedExchange: amqp_bytes_t
        let encodedRoutingKey: amqp_bytes_t
        do {
            encodedProperties = try encoder.properties(properties, extraHeader: tagHeader)
            encodedExchange = try encoder.bytes(exchange)
            encodedRoutingKey = try encoder.bytes(routingKey)
        } catch {
            completion.fail(error as? AMQPError ?? .protocolError("\(error)"))
            return
        }
        _ = channel.confirms.register(completion)
        body.withUnsafeBytes { body in
            let bytes = amqp_bytes_t(len: body.count, bytes: body.baseAddress.map { UnsafeMutableRawPointer(mutating: $0) })
            transmit("basic.publish to '\(exchange)'") {
                amqp_basic_publish($0, channel.number, encodedExchange, encodedRoutingKey, 1, 0, &encodedProperties, bytes)
            }
        }
    }

    // MARK: - Acknowledgements

    private func settle(_ request: SettleRequest) {
        guard let channel = channels[request.channel] else {
            request.promise.fail(.channelClosedByApplication(channel: request.channel))
            return
        }
        guard live != nil, broken == nil, channel.isOpen, channel.generation == request.generation else {
            request.promise.fail(.staleDelivery(deliveryTag: request.deliveryTag))
            return
        }
        let sent: Bool
        switch request.kind {
        case .ack(let multiple):
            sent = transmit("basic.ack") { amqp_basic_ack($0, channel.number, request.deliveryTag, multiple ? 1 : 0) }
        case .nack(let multiple, let requeue):
            sent = transmit("basic.nack") { amqp_basic_nack($0, channel.number, request.deliveryTag, multiple ? 1 : 0, requeue ? 1 : 0) }
        case .reject(let requeue):
            sent = transmit("basic.reject") { amqp_basic_reject($0, channel.number, request.deliveryTag, requeue ? 1 : 0) }
        }
        if sent {
            request.promise.succeed()
        } else {
            request.promise.fail(.staleDelivery(deliveryTag: request.deliveryTag))
        }
    }

    // MARK: - Consumers

    private func abandonConsumer(_ number: UInt16, _ tag: String) {
        guard let channel = channels[number], let consumer = channel.consumers[tag] else { return }
        guard live != nil, channel.isOpen, consumer.active else {
            channel.removeConsumer(tag, error: nil)
            return
        }
        enqueueRPC(
            channel,
            PendingRPC(request: .cancel(tag: tag), deadline: core.operationDeadline()) { _ in
                channel.removeConsumer(tag, error: nil)
            })
    }
}

extension Command {
    var isClose: Bool {
        if case .close = self { return true }
        return false
    }
}
