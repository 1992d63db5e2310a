internal import CRabbitMQ
import DequeModule
import Foundation
import Logging

/// The body of a connection's dedicated thread: it owns librabbitmq's connection state and
/// makes every call on it.
///
/// Each turn it runs the queued commands, processes every frame already received (bounded, so
/// commands such as acks are never starved), checks heartbeats, and then sleeps in `poll()` on
/// the socket and the wake pipe, at most until the next heartbeat is due. Failures on the socket
/// are recorded in `broken` and handled at the end of the step that saw them, so no code keeps
/// using a connection another step already tore down.
final class ConnectionLoop {
    let core: ConnectionCore
    var configuration: AMQPConfiguration { core.configuration }
    var logger: Logger { core.logger }
    let encoder = CEncoder()
    /// The last publish's shape, encoded once (`PublishShape`).
    let shape = PublishShape()
    let clock = ContinuousClock()

    var live: LiveConnection?
    /// Set when the connection failed mid-step; `handleLoss` runs at the end of the step.
    var broken: AMQPError? {
        didSet { isBroken = broken != nil }
    }
    /// `broken != nil`, for the checks every frame and publish makes: testing the optional error
    /// itself went through its value witnesses, about 200 instructions a delivery (callgrind).
    private(set) var isBroken = false
    var channels = ChannelTable()
    var topology = TopologyRecorder()
    /// Publishes waiting for the connection to come back or for `connection.unblocked`.
    var held: Deque<PublishRequest> = []
    /// Commands that need a connection, waiting for the reconnect.
    var parked: Deque<Command> = []
    var blockedReason: String?
    /// Source of channel generations: bumped on every channel (re)open.
    var generationCounter: UInt64 = 0
    /// Connections made so far.
    var connectionGeneration: UInt64 = 0
    var reconnectAttempt = 0
    /// Which node of `configuration.nodes` the next connect tries first.
    var rotation: NodeRotation
    var reconnectAt: ContinuousClock.Instant?
    var lastSend: ContinuousClock.Instant
    /// Something went out since `lastSend` was last stamped: the heartbeat check and the wait
    /// stamp it once a turn, not every send (a clock read cost about 50 instructions a message).
    var sentSinceStamp = false
    var lastReceive: ContinuousClock.Instant
    /// Server-named queues that came back under a new name in the last recovery.
    var queueRenames: [String: String] = [:]

    /// TCP_CORK is on: writes of this turn coalesce into full segments until `uncork()`.
    var corked = false
    var running = true
    /// Set by close(): publishes are refused and the loop ends once confirms are in (or timed out).
    var closeDeadline: ContinuousClock.Instant?
    var closePromises: [Promise<Void>] = []
    /// Why the connection ended for good when the application did not close it.
    var terminalError: AMQPError?

    /// Every how many frames the loop goes back to commands.
    static let framesPerTurn = 512
    static var publishTagHeader: String { AMQPMessage.publishTagHeader }

    init(core: ConnectionCore) {
        self.core = core
        rotation = NodeRotation(count: core.configuration.nodes.count)
        lastSend = clock.now
        lastReceive = clock.now
    }

    // MARK: - Life

    /// Connects, reports the outcome through `first`, then serves until closed for good.
    func run(first: Promise<Void>) {
        do {
            try establish()
        } catch {
            let failure = error as? AMQPError ?? .protocolError("\(error)")
            // The caller gets the error from connect(); saying it here too would tell it twice.
            logger.debug("AMQP connect to \(configuration.redactedURL) failed: \(failure)")
            terminalError = failure
            finish(graceful: false, quietly: true)
            first.fail(failure)
            return
        }
        first.succeed()
        core.events.emit(.connected(generation: connectionGeneration, node: currentNode))
        while running {
            turn()
        }
        finish(graceful: terminalError == nil, quietly: false)
    }

    /// The node of the current (or last) connection.
    var currentNode: AMQPNode {
        configuration.nodes[rotation.current ?? 0]
    }

    /// Connects to the first node of the rotation's round that answers; throws the round's
    /// failure when none does. Each attempt is bounded by `connectTimeout`, so a round of
    /// unreachable nodes blocks this thread at most that long per node.
    private func establish() throws {
        var failures: [(node: AMQPNode, error: AMQPError)] = []
        for index in rotation.round() {
            let node = configuration.nodes[index]
            let connection: LiveConnection
            do {
                connection = try LiveConnection.open(configuration, node: node, encoder: encoder)
            } catch {
                let failure = error as? AMQPError ?? .protocolError("\(error)")
                if configuration.nodes.count > 1 { logger.debug("AMQP connect to node \(node) failed: \(failure)") }
                failures.append((node, failure))
                continue
            }
            live = connection
            rotation.connected(to: index)
            corked = false
            connectionGeneration += 1
            lastSend = clock.now
            lastReceive = clock.now
            setState(.connected(generation: connectionGeneration))
            // Connects and reconnects reach the application as events (`AMQPConnection.events()`):
            // it says them once, in its words; the library keeps its own account for debugging.
            logger.debug("AMQP connected to node \(node) of \(configuration.redactedURL) (heartbeat \(connection.heartbeat.map { "\($0)" } ?? "off"))")
            return
        }
        throw NodeRotation.failure(of: failures)
    }

    private func turn() {
        let commands = core.inbox.takeAll()
        // A burst of publishes and acks leaves as full TCP segments rather than one per frame,
        // which costs the broker far fewer reads.
        if commands.count > 1 || !held.isEmpty { cork() }
        for command in commands {
            handle(command)
            settleBrokenConnection()
        }
        var moreFrames = false
        if live != nil {
            flushHeld()
            uncork()
            settleBrokenConnection()
            moreFrames = pumpFrames()
            settleBrokenConnection()
            checkHeartbeat()
            settleBrokenConnection()
        } else if let at = reconnectAt, clock.now >= at {
            reconnect()
        }
        expireWaiting()
        if let closeDeadline, live == nil || outstandingConfirms == 0 || clock.now >= closeDeadline {
            running = false
        }
        guard running, !moreFrames, !core.inbox.hasPending else { return }
        if let live, amqp_frames_enqueued(live.state) != 0 || amqp_data_in_buffer(live.state) != 0 { return }
        waitForActivity()
    }

    /// Closes the connection (gracefully when asked) and fails or ends everything still waiting.
    private func finish(graceful: Bool, quietly: Bool) {
        uncork()
        if graceful, let live, broken == nil {
            let reply = amqp_connection_close(live.state, AMQP_REPLY_SUCCESS)
            if reply.reply_type != AMQP_RESPONSE_NORMAL {
                logger.debug("AMQP connection.close got no close-ok; closing the socket anyway")
            }
        }
        live = nil
        let failure = terminalError ?? .connectionClosedByApplication
        for request in held { request.completion.fail(failure) }
        held.removeAll()
        for command in parked { command.fail(failure) }
        parked.removeAll()
        for channel in channels.values {
            failChannelWork(channel, error: failure, includingQueued: true)
            for tag in channel.consumerOrder { channel.removeConsumer(tag, error: terminalError) }
        }
        channels.removeAll()
        for command in core.inbox.close(with: failure) { command.fail(failure) }
        setState(.closed)
        core.events.emit(.closed(terminalError))
        for promise in closePromises { promise.succeed() }
        closePromises.removeAll()
        if quietly {
            return
        } else if let terminalError {
            logger.debug("AMQP connection to \(configuration.redactedURL) closed for good: \(terminalError)")
        } else {
            logger.debug("AMQP connection to \(configuration.redactedURL) closed")
        }
    }

    // MARK: - Waiting

    private func waitForActivity() {
        let now = clock.now
        stampSend(now)
        var until = now + .seconds(1)
        if let live, let heartbeat = live.heartbeat {
            until = min(until, lastSend + heartbeat / 2)
        }
        if let reconnectAt { until = min(until, reconnectAt) }
        if let first = held.first { until = min(until, first.deadline) }
        if let deadline = parked.first?.deadline { until = min(until, deadline) }
        if let closeDeadline { until = min(until, closeDeadline) }
        let milliseconds = max(0, Int32(clamping: Int64(((until - now).seconds * 1000).rounded(.up))))

        var fds = [pollfd(fd: core.inbox.wake.fd, events: Int16(POLLIN), revents: 0)]
        if let live {
            fds.append(pollfd(fd: amqp_get_sockfd(live.state), events: Int16(POLLIN), revents: 0))
        }
        let ready = poll(&fds, nfds_t(fds.count), milliseconds)
        guard ready > 0 else { return }
        if fds[0].revents != 0 { core.inbox.wake.drain() }
        if fds.count > 1, fds[1].revents != 0 { lastReceive = clock.now }
    }

    /// Sends a heartbeat when nothing went out for half an interval; declares the connection
    /// lost after two intervals without a byte from the broker.
    private func checkHeartbeat() {
        guard let live, broken == nil, let heartbeat = live.heartbeat else { return }
        let now = clock.now
        stampSend(now)
        if now - lastSend >= heartbeat / 2 {
            var frame = amqp_frame_t()
            frame.frame_type = UInt8(AMQP_FRAME_HEARTBEAT)
            frame.channel = 0
            transmit("heartbeat") { amqp_send_frame($0, &frame) }
        }
        if now - lastReceive > heartbeat * 2 {
            // Heartbeat frames are consumed inside librabbitmq, unseen: ask the socket itself.
            var fd = pollfd(fd: amqp_get_sockfd(live.state), events: Int16(POLLIN), revents: 0)
            if poll(&fd, 1, 0) > 0 {
                lastReceive = now
            } else {
                broken = .connectionLost(reason: "no heartbeat from the broker for \(heartbeat * 2)")
            }
        }
    }

    /// Fails what waited too long for a connection, an unblock or a channel.
    private func expireWaiting() {
        let now = clock.now
        let why = live == nil ? "while the connection was down" : "while the broker blocked publishing (\(blockedReason ?? "resource alarm"))"
        while let first = held.first, first.deadline <= now {
            held.removeFirst()
            first.completion.fail(.timeout(operation: "publish to exchange '\(first.exchange)' with routing key '\(first.routingKey)' \(why)", after: configuration.operationTimeout))
        }
        if parked.contains(where: { ($0.deadline ?? now) <= now }) {
            var kept: Deque<Command> = []
            for command in parked {
                if let deadline = command.deadline, deadline <= now {
                    command.fail(.timeout(operation: "an operation issued while the connection was down", after: configuration.operationTimeout))
                } else {
                    kept.append(command)
                }
            }
            parked = kept
        }
        for channel in channels.values where !channel.rpcs.isEmpty {
            let start = channel.rpcInFlight ? 1 : 0
            guard channel.rpcs.count > start, channel.rpcs.dropFirst(start).contains(where: { $0.deadline <= now }) else { continue }
            var kept: Deque<PendingRPC> = []
            for (index, rpc) in channel.rpcs.enumerated() {
                if index >= start, rpc.deadline <= now {
                    rpc.completion(.failure(.timeout(operation: rpc.request.label, after: configuration.operationTimeout)))
                } else {
                    kept.append(rpc)
                }
            }
            channel.rpcs = kept
        }
    }

    var outstandingConfirms: Int {
        channels.values.reduce(0) { $0 + $1.confirms.outstanding } + held.count
    }

    func setState(_ state: AMQPConnectionState) {
        let blocked = blockedReason
        let node = rotation.current.map { configuration.nodes[$0] }
        core.status.withLock {
            $0.state = state
            $0.blockedReason = blocked
            $0.node = node
        }
    }

    // MARK: - Sending

    /// Runs one librabbitmq send; a negative status marks the connection broken.
    @discardableResult
    func transmit(_ what: @autoclosure () -> String, _ send: (amqp_connection_state_t) -> Int32) -> Bool {
        guard !isBroken, let live else { return false }
        let status = send(live.state)
        guard status >= 0 else {
            broken = .connectionLost(reason: "\(what()) failed: \(CDecoder.status(status))")
            return false
        }
        sentSinceStamp = true
        return true
    }

    /// `lastSend` is `now` when something went out since it was last stamped (within this turn).
    private func stampSend(_ now: ContinuousClock.Instant) {
        guard sentSinceStamp else { return }
        lastSend = now
        sentSinceStamp = false
    }

    /// Sends a method that expects no reply (close-ok, flow-ok, cancel-ok).
    func sendMethod(channel: UInt16, _ id: amqp_method_number_t, _ fill: (CEncoder) throws -> UnsafeMutableRawPointer) {
        encoder.reset()
        defer { encoder.reset() }
        do {
            let method = try fill(encoder)
            transmit("method \(id)") { amqp_send_method($0, channel, id, method) }
        } catch {
            logger.error("AMQP could not encode method \(id): \(error)")
        }
    }

    func cork() {
        setCork(true)
    }

    /// Sends what the cork held; called before anything waits for a reply.
    func uncork() {
        setCork(false)
    }

    private func setCork(_ on: Bool) {
        guard corked != on, let live else { return }
        var value: Int32 = on ? 1 : 0
        // Best effort: a socket that refuses the option just sends unbatched.
        _ = setsockopt(amqp_get_sockfd(live.state), Int32(IPPROTO_TCP), TCP_CORK, &value, socklen_t(MemoryLayout<Int32>.size))
        corked = on
    }

    // MARK: - Loss and reconnect

    /// Handles a failure recorded during the last step.
    func settleBrokenConnection() {
        guard let error = broken else { return }
        handleLoss(error)
    }

    private func handleLoss(_ error: AMQPError) {
        broken = nil
        live = nil
        corked = false
        blockedReason = nil
        // Work in flight always fails as connectionLost, whatever ended the connection, so callers
        // have one error to retry on.
        let lost: AMQPError = if case .connectionLost = error { error } else { .connectionLost(reason: "\(error)") }
        for channel in channels.values {
            failChannelWork(channel, error: lost, includingQueued: false)
            channel.isOpen = false
        }
        logger.debug("AMQP connection to \(configuration.redactedURL) lost: \(error)")
        core.events.emit(.disconnected(error))
        if closeDeadline != nil {
            running = false
            return
        }
        scheduleReconnect(after: error)
    }

    /// `failedAttempt`: a reconnect attempt just failed with `error`; no event says so, so the
    /// library writes that one line itself, with the wait before the next attempt.
    private func scheduleReconnect(after error: AMQPError, failedAttempt: Bool = false) {
        let failed = reconnectAttempt
        reconnectAttempt += 1
        guard configuration.reconnect.allows(attempt: reconnectAttempt) else {
            terminalError = error
            running = false
            return
        }
        let delay = configuration.reconnect.delay(beforeAttempt: reconnectAttempt, random: Double.random(in: 0...1))
        reconnectAt = clock.now + delay
        setState(.reconnecting(attempt: reconnectAttempt))
        core.events.emit(.reconnectScheduled(attempt: reconnectAttempt, delay: delay))
        if failedAttempt {
            logger.warning("AMQP reconnect attempt \(failed) to \(configuration.redactedURL) failed: \(error); attempt \(reconnectAttempt) in \(AMQPConnectionEvent.seconds(delay))")
        } else {
            logger.debug("AMQP reconnect attempt \(reconnectAttempt) in \(delay)")
        }
    }

    /// Connects again and restores channels, topology and consumers, in that order, then lets
    /// waiting work go.
    private func reconnect() {
        reconnectAt = nil
        do {
            try establish()
            for channel in channels.values.sorted(by: { $0.number < $1.number }) {
                try openChannel(channel)
            }
            try recoverTopology()
            for channel in channels.values.sorted(by: { $0.number < $1.number }) {
                try resumeConsumers(channel)
            }
        } catch {
            let failure = broken ?? (error as? AMQPError) ?? .protocolError("\(error)")
            broken = nil
            live = nil
            for channel in channels.values {
                channel.isOpen = false
                channel.content = nil
            }
            scheduleReconnect(after: failure, failedAttempt: true)
            return
        }
        logger.debug("AMQP reconnected to \(configuration.redactedURL) after \(reconnectAttempt) attempt(s)")
        reconnectAttempt = 0
        core.events.emit(.reconnected(generation: connectionGeneration, node: currentNode))
        for channel in channels.values { startNextRPC(channel) }
        let waiting = parked
        parked.removeAll()
        for command in waiting {
            handle(command)
            settleBrokenConnection()
        }
    }

    /// Fails the work a channel loses with its connection or its life: unconfirmed publishes,
    /// the method on the wire (and the queued ones when `includingQueued`), a half-received message.
    func failChannelWork(_ channel: ChannelState, error: AMQPError, includingQueued: Bool) {
        for completion in channel.confirms.reset() { completion.fail(error) }
        if includingQueued {
            let rpcs = channel.rpcs
            channel.rpcs.removeAll()
            channel.rpcInFlight = false
            for rpc in rpcs { rpc.completion(.failure(error)) }
        } else if channel.rpcInFlight, let head = channel.rpcs.first {
            channel.rpcs.removeFirst()
            channel.rpcInFlight = false
            head.completion(.failure(error))
        }
        channel.content = nil
    }
}
