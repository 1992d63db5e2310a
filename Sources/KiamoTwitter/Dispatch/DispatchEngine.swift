import AMQP
import Foundation
import Logging
import Metrics
import ServiceLifecycle
import SharedState
import Synchronization

/// The dispatch worker's engine: one consumer on the send queue (a `SendCommandSource`: the
/// broker's `AMQPSendQueue`, or an in-memory queue in unit tests), each command carried to its
/// settlement by `CommandDispatcher`, then acknowledged or handed back.
///
/// Deliveries (at most `prefetch` unacknowledged) go to per-recipient lanes (`SerialLanes`), so
/// replies to one customer are posted one after another in queue order while other customers'
/// go in parallel, at most `concurrencyPerAccount` DMs in flight per account
/// (`ConcurrencyLimit`). Acknowledgements happen as each command finishes, in any order.
///
/// Graceful shutdown: the consumer is cancelled, commands waiting in lanes are handed back at
/// once (nack with requeue; none of them was claimed), sends in flight finish within the grace
/// period and are acknowledged. What is still unacknowledged when the channel closes goes back
/// to the queue. The send ledger is pruned every `pruneInterval`.
public final class DispatchEngine: Service, Sendable {
    /// One delivery on its way.
    struct Work: Sendable {
        let delivery: QueuedCommand
        let prepared: CommandDispatcher.Prepared
        var received: SendDelivery { delivery.received }
    }

    /// Carries each command to its settlement.
    public let dispatcher: CommandDispatcher
    /// An existential rather than a generic parameter: the engine's types (its `Work` above all,
    /// copied through the lanes for every delivery) stay concrete, which debug builds make fast.
    let source: any SendCommandSource
    let topology: Topology
    let settings: DispatchSettings
    let health: any HealthReporter
    let logger: Logger
    let lanes = SerialLanes<String, Work>()
    /// Suspect commands (an earlier delivery never settled) are handled alone.
    let gate = SuspectGate()
    /// Tests only (nil in production): a fault the worker honours once a delivery is counted.
    let testFault: DispatchTestFault?
    /// Deliveries received and not yet placed in their lines and lanes (`consume`).
    private let inbox = Mutex<[Work]>([])
    /// The channel generation of the newest delivery: deliveries of older ones were requeued by
    /// the broker when their connection closed and come again.
    private let generation = Atomic<UInt64>(0)
    /// Commands handed back since the shutdown began: those waiting in lanes, and those the
    /// broker still delivered while the consumer was being cancelled.
    private let handedBackOnStop = Atomic<Int>(0)
    /// The hand-back of the commands waiting at shutdown. `run` returns only after it: the posts
    /// in flight can finish first, and a process that exits then leaves the hand-backs unsent
    /// (the broker requeues them with the closed channel, but the lines keep their places until
    /// they lapse) and its count short.
    private let handingBack = Mutex<Task<Void, Never>?>(nil)

    /// `source` delivers the commands and takes their settlements (the dispatcher publishes on a
    /// channel of its own).
    public init(
        dispatcher: CommandDispatcher, source: any SendCommandSource, topology: Topology, settings: DispatchSettings,
        health: any HealthReporter = NoHealthReporter(), logger: Logger, testFault: DispatchTestFault? = nil
    ) {
        self.testFault = testFault
        self.dispatcher = dispatcher
        // Each open lane holds the delivery its drainer handles, plus those waiting behind it.
        dispatcher.deliveriesHeld.withLock { [lanes] held in
            held = {
                let counts = lanes.counts
                return counts.lanes + counts.waiting
            }
        }
        self.source = source
        self.topology = topology
        self.settings = settings
        self.health = health
        self.logger = logger
    }

    private let healthName = "dispatch"

    // MARK: - Service

    /// Consumes until graceful shutdown, then returns once the sends in flight are settled.
    public func run() async throws {
        logger.info(
            "dispatch started",
            metadata: [
                "queue": "\(topology.sendQueue)", "prefetch": "\(settings.prefetch)",
                "concurrencyPerAccount": "\(settings.concurrencyPerAccount)", "accounts": "\(dispatcher.accounts.joined(separator: ","))",
            ])
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                group.addTask { await self.pruneNowAndThen() }
                group.addTask { await self.keepPlacesNowAndThen() }
                await consume(into: &group)
            }
        } onGracefulShutdown: {
            self.beginShutdown()
        }
        await handingBack.withLock { $0 }?.value
        health.update(healthName, ready: false, alive: true, detail: "stopped")
        logger.info("dispatch stopped; \(handedBackOnStop.load(ordering: .relaxed)) command(s) handed back in all")
    }

    /// Stops taking deliveries and hands back every command still waiting in a lane.
    private func beginShutdown() {
        // Under the lock from the stop on: the consumer can end as soon as it sees the stop,
        // and `run` must then find the hand-back to wait for.
        handingBack.withLock { handingBack in
            guard !dispatcher.isStopping else { return }
            dispatcher.stop()
            health.update(healthName, ready: false, alive: true, detail: "stopping")
            // Only deliveries of the current channel can be handed back; the broker already holds
            // the others again. The lanes hold at most `prefetch` current ones (see `accept`).
            let current = generation.load(ordering: .relaxed)
            let waiting = lanes.removeAllWaiting().filter { $0.delivery.generation >= current }
            logger.info("stopping: consumer cancelled, \(waiting.count) waiting command(s) handed back, sends in flight finishing")
            handingBack = Task {
                let clock = ContinuousClock.now
                await self.source.stopConsuming()
                await self.dispatcher.withdrawFromLines(waiting.map(\.prepared))
                await withDiscardingTaskGroup { group in
                    for work in waiting { group.addTask { await self.settle(work, .handBack) } }
                }
                logger.info("stopping: \(waiting.count) waiting command(s) handed back in \(DurationText.format(ContinuousClock.now - clock))")
            }
        }
    }

    /// Consumes until shutdown. A child task receives the deliveries into an inbox; this loop
    /// takes what has arrived, places those commands in their recipients' lines in one write (in
    /// delivery order, before any of them waits in this process), then hands them to their lanes.
    /// One write per batch rather than per delivery keeps a backlog's intake fast.
    private func consume(into group: inout DiscardingTaskGroup) async {
        let (doorbell, ring) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        group.addTask {
            await self.receive(ringing: ring)
            ring.finish()
        }
        for await _ in doorbell {
            let batch = inbox.withLock { works in
                defer { works = [] }
                return works
            }
            dispatcher.held.hold(
                batch.compactMap { work in
                    guard case .valid(let command, _) = work.prepared else { return nil }
                    return (HeldPlaces.Key(work.delivery), LineArrival(account: command.accountId, recipient: command.recipientId, commandId: command.id))
                })
            await dispatcher.joinLines(batch.map(\.prepared))
            for work in batch { accept(work, into: &group) }
        }
        // Whatever arrived after the last ring (a delivery during shutdown) is still settled.
        for work in inbox.withLock({ $0 }) { accept(work, into: &group) }
    }

    /// Receives deliveries into `inbox` until shutdown, starting the consumer again (with
    /// backoff) when the broker cancels it or the connection closes for good.
    private func receive(ringing ring: AsyncStream<Void>.Continuation) async {
        var failures = 0
        while !dispatcher.isStopping, !Task.isCancelled {
            do {
                let commands = try await source.consume(prefetch: settings.prefetch)
                if dispatcher.isStopping { await source.stopConsuming() }
                health.update(healthName, ready: true, alive: true, detail: "consuming \(topology.sendQueue)")
                failures = 0
                for try await delivery in commands {
                    let work = read(delivery)
                    inbox.withLock { $0.append(work) }
                    ring.yield()
                }
            } catch {
                failures += 1
                let delay = Duration.seconds(min(30, 1 << min(failures - 1, 5)))
                health.update(healthName, ready: false, alive: true, detail: "\(error)")
                logger.error("consuming \(topology.sendQueue) failed; starting again in \(DurationText.format(delay))", metadata: ["error": "\(error)"])
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: delay) }
            }
        }
    }

    /// Reads and validates a delivery.
    private func read(_ delivery: QueuedCommand) -> Work {
        Work(delivery: delivery, prepared: dispatcher.prepare(delivery.received))
    }

    /// Puts a delivery in its lane (a valid command) or handles it at once (an invalid one).
    private func accept(_ work: Work, into group: inout DiscardingTaskGroup) {
        let delivery = work.delivery
        let prepared = work.prepared
        if delivery.generation > generation.load(ordering: .relaxed) {
            generation.store(delivery.generation, ordering: .relaxed)
            forgetStale(before: delivery.generation)
        }
        Counter(label: "kiamo_dispatch_commands_consumed_total", dimensions: [("account", prepared.accountLabel)]).increment()
        if dispatcher.isStopping {
            group.addTask { await self.settle(work, .handBack) }
            return
        }
        guard let key = prepared.laneKey else {
            group.addTask { await self.process(work) }
            return
        }
        if lanes.enqueue(work, key: key) {
            group.addTask { await self.drain(key) }
        }
    }

    /// Drops the waiting deliveries of channel generations before `current`: the broker requeued
    /// them when their connection closed and delivers them again on this one, so kept they would
    /// pile up, one copy per reconnect, in memory and in a shutdown's hand-back. The lanes then hold
    /// at most `prefetch` deliveries besides those being sent.
    private func forgetStale(before current: UInt64) {
        let stale = lanes.removeWaiting { $0.delivery.generation < current }
        for work in stale { dispatcher.held.release(HeldPlaces.Key(work.delivery)) }
        if !stale.isEmpty {
            logger.info("\(stale.count) waiting command(s) from before the reconnect dropped from the lanes; the broker delivers them again")
        }
    }

    /// Processes a lane's commands one after another until it is empty; a delivery from before
    /// a reconnect is skipped (its copy on the new channel comes behind it in the same lane).
    private func drain(_ key: String) async {
        while let next = lanes.next(after: key) {
            if next.delivery.generation < generation.load(ordering: .relaxed) {
                dispatcher.held.release(HeldPlaces.Key(next.delivery))
                continue
            }
            await process(await headOfLine(before: next, in: key))
        }
    }

    /// The work to handle now: `work`, or the head of its recipient's line when that waits
    /// behind it in this lane (the broker redelivered them out of order: after a hand-back, a
    /// reconnect, a dead worker), with `work` put back right after it. Without this, `work` would
    /// wait for a head stuck behind it, then park; a lane redelivered in disorder would go round
    /// the retry tier once per reply.
    private func headOfLine(before work: Work, in key: String) async -> Work {
        guard case .valid(let command, _) = work.prepared, lanes.hasWaiting(key),
            let head = await dispatcher.headOfLine(command),
            head != command.id
        else { return work }
        let current = generation.load(ordering: .relaxed)
        let promoted = lanes.promote(
            in: key,
            where: { waiting in
                if case .valid(let other, _) = waiting.prepared { return other.id == head && waiting.delivery.generation >= current }
                return false
            }, puttingBack: work)
        guard let promoted else { return work }
        logger.debug("the head of the line waited behind a later reply in this lane; handled first", metadata: ["command": "\(head)"])
        return promoted
    }

    private func process(_ work: Work) async {
        guard case .valid(let command, _) = work.prepared else {
            await settle(work, await dispatcher.handle(work.received, work.prepared))
            return
        }
        // A command with an earlier delivery that began and never settled is handled alone, so a
        // further loss is counted against it only, not against good commands beside it.
        let earlier = await dispatcher.unsettledDeliveries(of: command)
        let kind: SuspectGate.Kind = earlier > 0 ? .suspect : .ordinary
        do {
            try await gate.enter(kind)
        } catch {
            await settle(work, .handBack)
            return
        }
        defer { gate.leave(kind) }
        // It asks its line from here on: its place is no longer renewed as waiting.
        dispatcher.held.release(HeldPlaces.Key(work.delivery))
        // Counted before any work: if the worker or its connection dies while handling it, the
        // count stays; only a settlement the broker took takes it back (`settle`). A flapping
        // connection costs a good command a count only when a drop falls inside its handling,
        // and the next clean delivery finishes it; a command that kills each delivery climbs.
        let deliveries: Int
        do {
            deliveries = try await dispatcher.beginDelivery(of: command)
        } catch {
            logger.warning("could not count the delivery in the send ledger", metadata: ["command": "\(command.id)", "error": "\(error)"])
            deliveries = 1
        }
        if deliveries > settings.maxDeliveries {
            await settle(work, await dispatcher.setAside(work.received, command, deliveries: deliveries - 1), counted: true)
            return
        }
        testFault?.honour(command)
        await settle(work, await dispatcher.handle(work.received, work.prepared), counted: true)
    }

    /// Acknowledges or hands back a delivery. A delivery from before a reconnect cannot be
    /// settled: the broker has requeued it already and its redelivery finds the ledger's answer.
    /// `counted`: the delivery was counted by `beginDelivery`, and the broker taking its
    /// settlement takes the count back.
    private func settle(_ work: Work, _ settlement: CommandDispatcher.Settlement, counted: Bool = false) async {
        dispatcher.held.release(HeldPlaces.Key(work.delivery))
        logger.debug("settling delivery \(work.delivery.deliveryTag): \(settlement)")
        do {
            switch settlement {
            case .ack:
                try await source.ack(work.delivery)
            case .handBack:
                try await source.handBack(work.delivery)
                if dispatcher.isStopping { handedBackOnStop.add(1, ordering: .relaxed) }
            case .requeue(let reason):
                logger.warning("command handed back to the queue: \(reason)")
                if !dispatcher.isStopping {
                    try? await cancelWhenGracefulShutdown { try await Task.sleep(for: self.settings.requeueDelay) }
                }
                try await source.handBack(work.delivery)
            }
            if counted { await settled(work, finished: settlement == .ack) }
        } catch SendCommandSourceError.staleDelivery {
            logger.debug("delivery from before a reconnect; the broker delivers it again", metadata: ["tag": "\(work.delivery.deliveryTag)"])
        } catch {
            logger.warning("could not settle a delivery; the broker delivers it again when the channel closes", metadata: ["error": "\(error)"])
        }
    }

    /// The broker took the settlement of a counted delivery: it is not held against its command.
    private func settled(_ work: Work, finished: Bool) async {
        guard case .valid(let command, _) = work.prepared else { return }
        if let failure = await StateWriteRetry(within: .seconds(10), stopping: { [dispatcher] in dispatcher.isStopping }).run({
            try await dispatcher.settleDelivery(of: command, finished: finished)
        }) {
            logger.warning("could not record the settled delivery in the send ledger", metadata: ["command": "\(command.id)", "error": "\(failure)"])
        }
    }

    /// Renews the places of the commands this process holds before they ask (`HeldPlaces`), every
    /// third of the posting window: a place lasts one window from its last renewal, so it outlives
    /// any wait in a live process and lapses soon after a dead one.
    private func keepPlacesNowAndThen() async {
        let posting = dispatcher.postingWindow
        let every = max(posting / 3, .milliseconds(200))
        while !dispatcher.isStopping {
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: every) }
            } catch {
                return
            }
            let arrivals = dispatcher.held.arrivals
            guard !arrivals.isEmpty, !dispatcher.isStopping else { continue }
            do {
                try await dispatcher.keepPlaces(arrivals, posting: posting)
            } catch {
                // Tried again next time; a place lapses only after a whole window without renewal.
                logger.warning(
                    "could not keep the places of \(arrivals.count) waiting command(s) in their recipients' lines",
                    metadata: ["error": "\(error)"])
            }
        }
    }

    /// Forgets old ledger entries of every account now and then (`dispatch.sentRetention`).
    private func pruneNowAndThen() async {
        while !dispatcher.isStopping {
            for account in dispatcher.accounts {
                do {
                    let pruned = try await dispatcher.pruneSends(account: account)
                    if pruned > 0 { logger.info("send ledger: \(pruned) old entries forgotten", metadata: ["account": "\(account)"]) }
                } catch {
                    logger.warning("pruning the send ledger failed", metadata: ["account": "\(account)", "error": "\(error)"])
                }
            }
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: self.settings.pruneInterval) }
            } catch {
                return
            }
        }
    }
}
