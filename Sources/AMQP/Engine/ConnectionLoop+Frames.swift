internal import CRabbitMQ
import Foundation

/// Incoming frames, dispatched on the connection thread: replies to their channel's waiting
/// method, deliveries to their consumer, confirms to the tracker, closes to typed errors.
extension ConnectionLoop {
    /// Processes the frames librabbitmq has buffered or the socket holds, without blocking;
    /// returns true when it stopped at the per-turn limit (more may be waiting).
    func pumpFrames() -> Bool {
        var frame = amqp_frame_t()
        var immediately = timeval(tv_sec: 0, tv_usec: 0)
        // Stamped once for the frames read in this call, not once a frame (a clock read each).
        var received = false
        defer { if received { lastReceive = clock.now } }
        for _ in 0..<Self.framesPerTurn {
            guard !isBroken, let live else { return false }
            let status = amqp_simple_wait_frame_noblock(live.state, &frame, &immediately)
            if status == AMQP_STATUS_TIMEOUT.rawValue { return false }
            guard status == AMQP_STATUS_OK.rawValue else {
                broken = .connectionLost(reason: CDecoder.status(status))
                return false
            }
            received = true
            dispatch(frame)
            // Everything the frame pointed to has been copied out: recycle its channel's pool.
            if !isBroken, let current = self.live {
                amqp_maybe_release_buffers_on_channel(current.state, frame.channel)
            }
        }
        return true
    }

    private func dispatch(_ frame: amqp_frame_t) {
        switch Int32(frame.frame_type) {
        case AMQP_FRAME_METHOD:
            if frame.channel == 0 {
                connectionMethod(frame.payload.method)
            } else {
                channelMethod(frame.channel, frame.payload.method)
            }
        case AMQP_FRAME_HEADER:
            contentHeader(frame.channel, frame.payload.properties.body_size, frame.payload.properties.decoded)
        case AMQP_FRAME_BODY:
            contentBody(frame.channel, frame.payload.body_fragment)
        default:
            break // heartbeats: receiving them is all they are for
        }
    }

    // MARK: - Channel 0

    private func connectionMethod(_ method: amqp_method_t) {
        switch method.id {
        case MethodID.connectionClose:
            let close = method.decoded.assumingMemoryBound(to: amqp_connection_close_t.self).pointee
            let error = AMQPError.connectionClosed(code: close.reply_code, text: CDecoder.string(close.reply_text))
            sendMethod(channel: 0, MethodID.connectionCloseOk) { try UnsafeMutableRawPointer($0.allocate(amqp_connection_close_ok_t.self)) }
            broken = error
        case MethodID.connectionBlocked:
            let reason = CDecoder.string(method.decoded.assumingMemoryBound(to: amqp_connection_blocked_t.self).pointee.reason)
            blockedReason = reason
            setState(.connected(generation: connectionGeneration))
            logger.debug("AMQP broker blocked publishing: \(reason); publishes wait")
            core.events.emit(.blocked(reason: reason))
        case MethodID.connectionUnblocked:
            blockedReason = nil
            setState(.connected(generation: connectionGeneration))
            logger.debug("AMQP broker unblocked publishing")
            core.events.emit(.unblocked)
        default:
            logger.debug("AMQP ignoring connection method \(method.id)")
        }
    }

    // MARK: - Channels

    private func channelMethod(_ number: UInt16, _ method: amqp_method_t) {
        guard let channel = channels[number] else {
            if method.id == MethodID.channelClose {
                sendMethod(channel: number, MethodID.channelCloseOk) { try UnsafeMutableRawPointer($0.allocate(amqp_channel_close_ok_t.self)) }
            }
            return
        }
        let decoded: UnsafeMutableRawPointer? = method.decoded
        switch method.id {
        case MethodID.basicDeliver:
            let m = method.decoded.assumingMemoryBound(to: amqp_basic_deliver_t.self).pointee
            channel.content = PendingContent(
                .deliver(
                    consumerTag: CDecoder.string(m.consumer_tag), deliveryTag: m.delivery_tag, redelivered: m.redelivered != 0,
                    exchange: CDecoder.string(m.exchange), routingKey: CDecoder.string(m.routing_key)))
        case MethodID.basicAck:
            let m = method.decoded.assumingMemoryBound(to: amqp_basic_ack_t.self).pointee
            confirm(channel, tag: m.delivery_tag, multiple: m.multiple != 0, ack: true)
        case MethodID.basicNack:
            let m = method.decoded.assumingMemoryBound(to: amqp_basic_nack_t.self).pointee
            confirm(channel, tag: m.delivery_tag, multiple: m.multiple != 0, ack: false)
        case MethodID.basicReturn:
            let m = method.decoded.assumingMemoryBound(to: amqp_basic_return_t.self).pointee
            channel.content = PendingContent(
                .returned(
                    replyCode: m.reply_code, replyText: CDecoder.string(m.reply_text),
                    exchange: CDecoder.string(m.exchange), routingKey: CDecoder.string(m.routing_key)))
        case MethodID.basicGetOk:
            let m = method.decoded.assumingMemoryBound(to: amqp_basic_get_ok_t.self).pointee
            channel.content = PendingContent(
                .get(
                    deliveryTag: m.delivery_tag, redelivered: m.redelivered != 0, exchange: CDecoder.string(m.exchange),
                    routingKey: CDecoder.string(m.routing_key), messageCount: m.message_count))
        case MethodID.basicCancel:
            let m = method.decoded.assumingMemoryBound(to: amqp_basic_cancel_t.self).pointee
            let tag = CDecoder.string(m.consumer_tag)
            let queue = channel.consumers[tag]?.queue ?? ""
            logger.warning("AMQP broker cancelled consumer \(tag) on queue '\(queue)'")
            channel.removeConsumer(tag, error: .consumerCancelled(consumerTag: tag, queue: queue))
            if m.nowait == 0 {
                sendMethod(channel: number, MethodID.basicCancelOk) { encoder in
                    let ok = try encoder.allocate(amqp_basic_cancel_ok_t.self)
                    ok.pointee.consumer_tag = try encoder.bytes(tag)
                    return UnsafeMutableRawPointer(ok)
                }
            }
        case MethodID.channelClose:
            let m = method.decoded.assumingMemoryBound(to: amqp_channel_close_t.self).pointee
            channelClosedByBroker(channel, code: m.reply_code, text: CDecoder.string(m.reply_text))
        case MethodID.channelFlow:
            let active = method.decoded.assumingMemoryBound(to: amqp_channel_flow_t.self).pointee.active
            sendMethod(channel: number, MethodID.channelFlowOk) { encoder in
                let ok = try encoder.allocate(amqp_channel_flow_ok_t.self)
                ok.pointee.active = active
                return UnsafeMutableRawPointer(ok)
            }
        default:
            guard channel.rpcInFlight, let head = channel.rpcs.first, head.request.replies.contains(method.id) else {
                logger.warning("AMQP unexpected method \(method.id) on channel \(number)")
                return
            }
            let reply = decodeReply(method.id, decoded)
            channel.rpcs.removeFirst()
            channel.rpcInFlight = false
            head.completion(.success(reply))
            startNextRPC(channel)
        }
    }

    private func confirm(_ channel: ChannelState, tag: UInt64, multiple: Bool, ack: Bool) {
        // Completing a waiter only hands its result over (a promise, a batch's slot): nothing in
        // it reaches back into this channel's confirms while they settle.
        // A `multiple` ack settles a run of one batch's messages in a row: handed over as one
        // range, under one lock, instead of message by message.
        var run: (batch: PublishBatch, indices: Range<Int>)?
        channel.confirms.settle(tag: tag, multiple: multiple, ack: ack) { completion, outcome in
            if case .acked = outcome, case .batchItem(let batch, let index) = completion {
                if let current = run, current.batch === batch, current.indices.upperBound == index {
                    run = (batch, current.indices.lowerBound..<(index + 1))
                    return
                }
                if let current = run { current.batch.succeed(current.indices) }
                run = (batch, index..<(index + 1))
                return
            }
            if let current = run {
                current.batch.succeed(current.indices)
                run = nil
            }
            switch outcome {
            case .acked: completion.succeed()
            case .returned(let error): completion.fail(error)
            case .nacked:
                let target = completion.target
                completion.fail(.nacked(exchange: target.exchange, routingKey: target.routingKey))
            }
        }
        if let current = run { current.batch.succeed(current.indices) }
    }

    /// The broker closed a channel over an error on it: the operation that caused it fails with
    /// the broker's code and text, and the channel opens again (same number, prefetch, consumers),
    /// so its handle stays usable.
    private func channelClosedByBroker(_ channel: ChannelState, code: UInt16, text: String) {
        sendMethod(channel: channel.number, MethodID.channelCloseOk) { try UnsafeMutableRawPointer($0.allocate(amqp_channel_close_ok_t.self)) }
        let error = AMQPError.channelClosed(channel: channel.number, code: code, text: text)
        logger.warning("AMQP \(error); reopening it")
        channel.isOpen = false
        failChannelWork(channel, error: error, includingQueued: false)
        guard broken == nil else { return }
        do {
            try openChannel(channel)
            try resumeConsumers(channel)
        } catch {
            if broken == nil { broken = error as? AMQPError ?? .protocolError("\(error)") }
            return
        }
        startNextRPC(channel)
    }

    // MARK: - Content

    private func contentHeader(_ number: UInt16, _ bodySize: UInt64, _ decoded: UnsafeMutableRawPointer?) {
        guard let channel = channels[number], channel.content != nil, channel.content?.bodySize == nil else {
            logger.warning("AMQP content header without a method on channel \(number)")
            return
        }
        // In place: a copy of the pending message out of its channel and back cost a copy of
        // each of its strings (about 400 instructions a delivery, callgrind).
        if let decoded {
            channel.content?.properties = CDecoder.properties(decoded.assumingMemoryBound(to: amqp_basic_properties_t.self).pointee)
        }
        channel.content?.bodySize = Int(clamping: bodySize)
        // The body's room at once, bounded so a bogus size cannot exhaust memory.
        channel.content?.body.reserveCapacity(min(Int(clamping: bodySize), 64 << 20))
        if channel.content?.isComplete == true { completeContent(channel) }
    }

    private func contentBody(_ number: UInt16, _ fragment: amqp_bytes_t) {
        guard let channel = channels[number], channel.content?.bodySize != nil else {
            logger.warning("AMQP body frame without a header on channel \(number)")
            return
        }
        if let base = fragment.bytes, fragment.len > 0 {
            channel.content?.body.append(base.assumingMemoryBound(to: UInt8.self), count: fragment.len)
        }
        if channel.content?.isComplete == true { completeContent(channel) }
    }

    private func completeContent(_ channel: ChannelState) {
        // Moved out, not copied.
        var taken: PendingContent?
        swap(&taken, &channel.content)
        guard let content = taken else { return }
        switch content.kind {
        case .deliver(let consumerTag, let deliveryTag, let redelivered, let exchange, let routingKey):
            let delivery = AMQPDelivery(
                body: content.body, properties: content.properties, exchange: exchange, routingKey: routingKey,
                redelivered: redelivered, deliveryTag: deliveryTag, consumerTag: consumerTag, messageCount: nil,
                channelNumber: channel.number, generation: channel.generation)
            guard let consumer = channel.consumers[consumerTag], consumer.registration.deliveries.yield(delivery) else {
                // Nobody listens any more (cancel in flight): hand it back to the queue.
                transmit("basic.reject") { amqp_basic_reject($0, channel.number, deliveryTag, 1) }
                return
            }
        case .get(let deliveryTag, let redelivered, let exchange, let routingKey, let messageCount):
            let delivery = AMQPDelivery(
                body: content.body, properties: content.properties, exchange: exchange, routingKey: routingKey,
                redelivered: redelivered, deliveryTag: deliveryTag, consumerTag: nil, messageCount: messageCount,
                channelNumber: channel.number, generation: channel.generation)
            guard channel.rpcInFlight, let head = channel.rpcs.first, case .get = head.request else {
                logger.warning("AMQP basic.get-ok without a basic.get on channel \(channel.number)")
                return
            }
            channel.rpcs.removeFirst()
            channel.rpcInFlight = false
            head.completion(.success(.delivery(delivery)))
            startNextRPC(channel)
        case .returned(let replyCode, let replyText, let exchange, let routingKey):
            let error = AMQPError.unroutable(exchange: exchange, routingKey: routingKey, replyCode: replyCode, replyText: replyText)
            guard let tag = content.properties.headers[Self.publishTagHeader]?.intValue, tag > 0 else {
                logger.warning("AMQP \(error) (no publish tag to match it to)")
                return
            }
            channel.confirms.markReturned(tag: UInt64(tag), error: error)
        }
    }
}
