import Foundation
import Logging
import Metrics
import ServiceLifecycle
import SharedState
import Synchronization
import XAPI

/// `ingest.mode: stream`: holds X's activity stream open and publishes every DM it brings
/// through the account's `IngestEngine`, as a webhook delivery is.
///
/// X gives an app one stream connection, so one ingest process holds it: the one holding the
/// app's `stream` lease (the others stand by and take over within the lease's TTL). At start
/// and at every connection it makes sure each account is subscribed to `dm.received` on the
/// stream (listing first: the subscriptions outlive the process). When the connection drops it
/// reconnects with capped backoff; a reconnection within 5 minutes asks X for the minutes it
/// missed (`backfill_minutes`), a later one cannot, so every account's reconciliation poll
/// runs at once instead. Either way the reconciliation polls (`ingest.reconcileInterval`) go on:
/// the inbound ledger drops whatever two paths bring twice.
public final class ActivityStreamConsumer: Service, Sendable {
    public struct Settings: Sendable {
        /// No byte, not even X's keep-alive (every 20 s), for this long: the stream is dead.
        public var stallTimeout: Duration = .seconds(45)
        public var leaseTTL: Duration = .seconds(15)
        /// The longest wait between two connection attempts.
        public var maxBackoff: Duration = .seconds(60)
        /// X replays at most this much of a dropped connection (`backfill_minutes` ≤ 5).
        public var maxBackfill: Duration = .seconds(300)

        public init(stallTimeout: Duration = .seconds(45), leaseTTL: Duration = .seconds(15)) {
            self.stallTimeout = stallTimeout
            self.leaseTTL = leaseTTL
        }
    }

    let push: XPushClient
    let engines: [String: IngestEngine]
    /// Each account's user-context client: X wants the user's consent to subscribe its DMs.
    let clients: [String: XAPIClient]
    let leadership: Leadership
    let settings: Settings
    let logger: Logger
    let now: @Sendable () -> Date

    public init(
        push: XPushClient, engines: [IngestEngine], clients: [String: XAPIClient], state: any LeaseStorage, owner: String,
        settings: Settings = Settings(), logger: Logger, now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.push = push
        self.engines = Dictionary(engines.map { ($0.account, $0) }, uniquingKeysWith: { first, _ in first })
        self.clients = clients
        self.leadership = Leadership(state: state, account: "app", name: "stream", owner: owner, ttl: settings.leaseTTL)
        self.settings = settings
        self.logger = logger
        self.now = now
    }

    /// Why a connection ended.
    private enum Ended: Error {
        case leaseLost
    }

    public func run() async throws {
        var failures = 0
        var leading = false
        /// When the last connection was last heard from (a line or a keep-alive).
        var lastAlive: Date?
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            do {
                guard try await leadership.hold() else {
                    if leading { logger.warning("lost the stream lease to another process; standing by") }
                    leading = false
                    lastAlive = nil
                    try await pause(.seconds(1))
                    continue
                }
                if !leading { logger.info("holding X's activity stream for this app") }
                leading = true
                try await ensureSubscriptions()
                let backfill = backfillMinutes(since: lastAlive)
                let alive = LastAlive()
                // A connection that brought nothing (refused, or stalled before its first byte)
                // moves nothing forward: the gap still starts when the last one was heard, or
                // when this holder first tried.
                let attemptedAt = now()
                defer { lastAlive = alive.date ?? lastAlive ?? attemptedAt }
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await self.consume(backfillMinutes: backfill, alive: alive) }
                    group.addTask {
                        // The lease is renewed while the stream runs; lost, the stream ends.
                        while true {
                            try await Task.sleep(for: self.leadership.renewEvery)
                            guard try await self.leadership.confirm() else { throw Ended.leaseLost }
                        }
                    }
                    try await group.next()
                    group.cancelAll()
                }
                if alive.heard { failures = 0 }
                Counter(label: "kiamo_ingest_stream_disconnects_total", dimensions: [("reason", "closed_by_x")]).increment()
                logger.warning("X closed the activity stream; reconnecting")
            } catch is CancellationError {
                break
            } catch Ended.leaseLost {
                logger.warning("the stream lease lapsed; closing the stream and standing by")
                leading = false
                continue
            } catch {
                failures += 1
                let reason = Self.reason(error)
                Counter(label: "kiamo_ingest_stream_disconnects_total", dimensions: [("reason", reason)]).increment()
                let delay = backoff(after: failures, error: error)
                logger.error(
                    "the activity stream failed; reconnecting in \(DurationText.format(delay))", metadata: ["error": "\(error)", "attempt": "\(failures)"])
                do { try await pause(delay) } catch { break }
            }
        }
        if leading { await leadership.release() }
        logger.info("activity stream stopped")
    }

    /// Minutes of backfill for a connection made now: what X can replay of the gap since the
    /// last connection was last heard. The first connection of this holder asks for a minute:
    /// the engines' polls read everything older through the overlap, but leave DMs under the
    /// push's 30 s grace to the push. A gap over 5 minutes cannot be replayed: every account is
    /// reconciled now instead.
    private func backfillMinutes(since lastAlive: Date?) -> Int {
        guard let lastAlive else { return 1 }
        let gap = max(0, now().timeIntervalSince(lastAlive))
        guard gap <= settings.maxBackfill.seconds else {
            logger.warning("the activity stream was down for \(Int(gap)) s, longer than X replays: reconciling every account now")
            for engine in engines.values { engine.reconcileNow() }
            return 0
        }
        return min(5, max(1, Int((gap / 60).rounded(.up))))
    }

    /// Reads the stream until it ends; each DM published before the next line is read.
    private func consume(backfillMinutes: Int, alive: LastAlive) async throws {
        logger.info("connecting to X's activity stream", metadata: ["backfill_minutes": "\(backfillMinutes)"])
        for try await line in push.activityStream(backfillMinutes: backfillMinutes, stallTimeout: settings.stallTimeout) {
            alive.touch(now())
            Gauge(label: "kiamo_ingest_stream_last_seen_timestamp_seconds").record(now().timeIntervalSince1970)
            guard !line.isEmpty else { continue }
            let delivery: PushDelivery
            do {
                delivery = try PushDelivery.decode(line)
            } catch {
                // X's error objects ({"errors": [...]}) and anything unreadable: skipped, said why.
                Counter(label: "kiamo_ingest_push_skipped_total", dimensions: [("account", ""), ("reason", "undecodable")]).increment()
                logger.error("stream line skipped: \(error)", metadata: ["bytes": "\(line.count)"])
                continue
            }
            guard let account = delivery.forUserId, let engine = engines[account] else {
                logger.debug("stream event for an account this worker does not serve", metadata: ["for_user_id": "\(delivery.forUserId ?? "")"])
                continue
            }
            await publish(delivery, on: engine)
        }
    }

    /// Publishes one pushed event, trying again for a while when the broker or the store fails;
    /// past that the reconciliation poll takes it (it will be past the push's grace by then).
    private func publish(_ delivery: PushDelivery, on engine: IngestEngine) async {
        var delay = Duration.milliseconds(250)
        for attempt in 1...6 {
            do {
                _ = try await engine.publishPushed(delivery)
                return
            } catch is CancellationError {
                return
            } catch {
                if attempt == 6 {
                    logger.error(
                        "a streamed DM could not be published; the reconciliation poll will", metadata: ["account": "\(engine.account)", "error": "\(error)"])
                    engine.reconcileNow()
                    return
                }
                logger.warning("publishing a streamed DM failed; trying again", metadata: ["account": "\(engine.account)", "error": "\(error)"])
                try? await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(8))
            }
        }
    }

    /// Every account subscribed to `dm.received` on the stream (no webhook); created where
    /// missing, with the account's consent (its own client).
    private func ensureSubscriptions() async throws {
        let existing = try await push.activitySubscriptions()
        for account in engines.keys.sorted() {
            let subscribed = existing.contains { $0.eventType == "dm.received" && $0.filter.userId == account && $0.webhookId == nil }
            guard !subscribed else { continue }
            guard let client = clients[account] else { continue }
            do {
                let created = try await client.createActivitySubscription(eventType: "dm.received", userId: account, tag: "kiamo-twitter")
                logger.info("account subscribed to dm.received on the activity stream", metadata: ["account": "\(account)", "subscription": "\(created.id)"])
            } catch let error as XAPIError where error.httpStatus == 409 {
                // Created meanwhile (another process, or a listing that lagged).
            }
        }
    }

    private func pause(_ duration: Duration) async throws {
        try await cancelWhenGracefulShutdown { try await Task.sleep(for: duration) }
        if Task.isShuttingDownGracefully { throw CancellationError() }
    }

    private func backoff(after failures: Int, error: any Error) -> Duration {
        // X refused a connection over the app's limit: the old one may take a while to be freed.
        if case .rejected(_, 429, _, _)? = error as? XAPIError { return settings.maxBackoff }
        if case .rateLimited? = error as? XAPIError { return settings.maxBackoff }
        return min(settings.maxBackoff, .seconds(1 << min(failures - 1, 6)))
    }

    static func reason(_ error: any Error) -> String {
        switch error as? XAPIError {
        case .rateLimited?: "rate_limited"
        case .rejected?: "refused"
        case .unauthorized?, .refreshRejected?: "unauthorized"
        case .transient?: "network"
        default: "other"
        }
    }
}

/// When the current connection was last heard from, shared by its reader and its owner.
private final class LastAlive: Sendable {
    private let last = Mutex<Date?>(nil)

    func touch(_ date: Date) { last.withLock { $0 = date } }
    /// When this connection last brought something (a keep-alive counts); nil: nothing yet.
    var date: Date? { last.withLock { $0 } }
    var heard: Bool { date != nil }
}
