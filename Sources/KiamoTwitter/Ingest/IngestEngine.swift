import AMQP
import Foundation
import Logging
import Metrics
import ServiceLifecycle
import SharedState
import Synchronization
import Tracing
import XAPI

/// The ingest worker's engine for one account: the original's `readMessages`/`fetch` as a
/// long-running service that never loses a DM and never wastes an API call.
///
/// Each poll, while this process holds the account's `ingest` lease: page X newest first down to
/// the cursor (a sweep, every half overlap: back through the overlap; `IngestPlanner`), drop what
/// the inbound ledger has, map the rest (`KiamoMessageMapper`), and publish them oldest first,
/// persistent and confirmed, a chunk at a time. After each confirmed chunk the ledger and the
/// cursor are committed in one step, the cursor only past what the broker confirmed, so a crash
/// publishes at most the chunk in flight again. A failed publish ends the batch; the next poll
/// takes it up. Polls are paced by the interval and by the shared rate-limit budget of DM reads.
///
/// Publish-and-commit is fenced by the lease: it is renewed while a chunk waits on the broker
/// (confirms are held through a broker outage, which can outlast the TTL) and confirmed against
/// the store before each commit; a process that lost it publishes no further chunk.
///
/// With several processes, a standby engine takes a free lease only while its process is under
/// its fair share of the accounts, and a holder whose process is over it (another came) releases
/// it between polls and stands by (`LeaseShareKeeper`).
///
/// Graceful shutdown cancels a poll that is still reading X (nothing is lost: nothing was
/// published), but lets one that is publishing finish its confirms and commit.
public final class IngestEngine: Service, Sendable, CustomStringConvertible {
    public struct Settings: Sendable {
        public var pollInterval: Duration
        public var paginationCount: Int
        public var overlap: Duration
        public var backfill: Duration
        public var leaseTTL: Duration
        /// Messages handed to the broker at once (each confirmed before the batch answers).
        public var publishBatch: Int
        /// `app_id` of the published messages.
        public var appId: String
        /// Poll, or push with polls as reconciliation (`pollInterval` is then the reconcile interval).
        public var mode: IngestMode
        /// In a push mode, a reconciliation poll leaves DMs younger than this to the push, so that
        /// it publishes only what the push missed (its `reconcile` count is then a missed push,
        /// `KiamoPushMissedDMs`). Publishing once is the publish lock's and the ledger's work.
        public var pushGrace: Duration

        public init(
            pollInterval: Duration, paginationCount: Int, overlap: Duration, backfill: Duration, leaseTTL: Duration,
            publishBatch: Int = 500, appId: String = WireContract.AppID.ingest, mode: IngestMode = .poll, pushGrace: Duration = .seconds(30)
        ) {
            self.mode = mode
            self.pushGrace = pushGrace
            self.pollInterval = pollInterval
            self.paginationCount = paginationCount
            self.overlap = overlap
            self.backfill = backfill
            self.leaseTTL = leaseTTL
            self.publishBatch = publishBatch
            self.appId = appId
        }

        /// The configuration's settings; v1.1's 15 list requests per 15 minutes allow one poll a minute.
        public init(_ configuration: Configuration) {
            let ingest = configuration.ingest
            let legacy = configuration.api.version == .v1_1
            let interval = ingest.mode.isPush ? ingest.reconcileInterval : ingest.pollInterval
            self.init(
                pollInterval: legacy ? max(interval, .seconds(60)) : interval,
                paginationCount: legacy ? min(ingest.paginationCount, 50) : ingest.paginationCount,
                overlap: ingest.overlap, backfill: ingest.backfill, leaseTTL: ingest.leaseTTL,
                appId: "\(configuration.service)-ingest", // as dispatch's is <service>-dispatch
                mode: ingest.mode
            )
        }
    }

    /// What one poll did.
    public struct PollReport: Sendable, Equatable {
        public var pages = 0
        public var userLookups = 0
        public var published = 0
        /// Events read and not published, each counted by the first poll that read it
        /// (`kiamo_ingest_skipped_total`).
        public var skipped = 0
        /// `kiamo_ingest_lag_seconds`: 0 when everything read is published, else the age of the
        /// oldest DM left for the next poll; nil only when the poll read nothing (it threw).
        public var lagSeconds: Double?
        /// False when a publish failed: the rest waits for the next poll.
        public var complete = true
        public var cursor: String?
        /// Whether the poll read back through the overlap (`IngestPlanner.sweepDue`).
        public var sweep = false
    }

    /// The state roles one account's ingest uses: the cursor and ledger it commits, the cache
    /// of sender names, the shared rate-limit budget, and the lease that makes it the one poller.
    public typealias State = InboundLedger & ConversationCache & RateLimitBudgets & LeaseStorage

    public let account: String
    let client: any XDirectMessageClient
    let state: any State
    let publisher: any ConfirmedPublisher
    let topology: Topology
    let settings: Settings
    let planner: IngestPlanner
    let mapper: KiamoMessageMapper
    /// Fetches and links the DMs' media before they are published (`media.folder`); nil: messages
    /// carry X's media URLs.
    let media: InboundMedia?
    let leadership: Leadership
    let health: any HealthReporter
    let logger: Logger
    let now: @Sendable () -> Date
    /// The monotonic clock that paces sweeps (every half overlap); tests drive it by hand.
    let sweepClock: @Sendable () -> ContinuousClock.Instant
    /// When this process's last sweep started reading (monotonic for the interval, wall clock for
    /// the cursor cap); nil until its first sweep read down to its floor, and again after it lost
    /// the lease (the first poll as holder is a sweep).
    private let lastSweep = Mutex<(instant: ContinuousClock.Instant, date: Date)?>(nil)
    /// When this process last cleaned the account's inbound ledger (`sweepClock`); nil until its
    /// first poll as holder.
    private let lastLedgerPrune = Mutex<ContinuousClock.Instant?>(nil)
    /// One publish at a time per account in this process: a reconciliation poll and a push, or
    /// two pushes of one DM (X's retry of a delivery whose answer was late), never both find a DM
    /// unseen and publish it twice.
    let publishGate = ConcurrencyLimit(limit: 1)
    /// The `publish` lease of the account (push modes): taken around each publish, by polls
    /// and pushes of every process, so that two processes never find one DM unseen at once.
    let publishLease: Leadership
    /// Set by `reconcileNow()`: the holder's wait for its next poll ends at once.
    private let pollRequested = Mutex(false)
    /// How often the holder forgets published ids past the state store's `inboundRetention`.
    static let ledgerPruneInterval = Duration.seconds(3600)
    /// The skipped events this process has counted (`kiamo_ingest_skipped_total`) that a poll may
    /// still read: quick polls re-read the cursor's page and sweeps the whole overlap, so without it
    /// one self-sent DM counted on every poll for minutes. Ids at or below the floor are dropped
    /// (no poll reads them again). Nil before this process's first poll, which counts only events
    /// above the cursor: those below were counted by the process that moved the cursor past them.
    private let countedSkips = Mutex<Set<String>?>(nil)

    public init(
        account: String,
        client: any XDirectMessageClient,
        state: any State,
        publisher: any ConfirmedPublisher,
        topology: Topology,
        settings: Settings,
        senderNameTemplate: String = "{name}@{username}",
        owner: String = OwnerID.make(),
        health: any HealthReporter = NoHealthReporter(),
        admission: (any LeaseAdmission)? = nil,
        media: InboundMedia? = nil,
        logger: Logger,
        now: @escaping @Sendable () -> Date = { Date() },
        sweepClock: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }
    ) {
        self.account = account
        self.client = client
        self.state = state
        self.publisher = publisher
        self.topology = topology
        self.settings = settings
        self.planner = IngestPlanner(overlap: settings.overlap, backfill: settings.backfill)
        self.mapper = KiamoMessageMapper(accountId: account, senderNameTemplate: senderNameTemplate)
        self.media = media
        self.leadership = Leadership(
            state: state, account: account, name: "ingest", owner: owner, ttl: settings.leaseTTL,
            admission: admission)
        self.publishLease = Leadership(state: state, account: account, name: "publish", owner: owner, ttl: settings.leaseTTL)
        self.health = health
        var logger = logger
        logger[metadataKey: "account"] = "\(account)"
        self.logger = logger
        self.now = now
        self.sweepClock = sweepClock
    }

    private var healthName: String { "ingest:\(account)" }

    public var description: String { "ingest engine of account \(account)" }

    // MARK: - Service

    public func run() async throws {
        logger.info("ingest started", metadata: ["pollInterval": "\(DurationText.format(settings.pollInterval))", "api": "\(client.apiVersion)"])
        // The interval in force (v1.1 raises it to a minute): the stall alert counts missed polls in it.
        Gauge(label: "kiamo_ingest_poll_interval_seconds", dimensions: [("account", account)])
            .record(settings.pollInterval.seconds)
        var failures = 0
        var leading = false
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            let delay: Duration
            do {
                if leading, await leadership.mustRelease {
                    // Over this process's share (another process came): the lease goes to one under
                    // its share; this engine stands by as after a lost lease.
                    await leadership.release()
                    leading = false
                    lastSweep.withLock { $0 = nil }
                    logger.info("released the ingest lease: this process holds more than its share of the accounts")
                }
                guard try await leadership.hold() else {
                    if leading { logger.warning("lost the ingest lease to another process; standing by") }
                    leading = false
                    health.update(healthName, ready: true, alive: true, detail: "standby: another process polls this account")
                    Counter(label: "kiamo_ingest_polls_total", dimensions: [("account", account), ("outcome", "standby")]).increment()
                    try await pause(min(.seconds(1), settings.leaseTTL / 5), keepingLease: false)
                    continue
                }
                if !leading {
                    logger.info("polling as the active ingest process")
                    lastSweep.withLock { $0 = nil }
                }
                leading = true
                let report = try await pollOnce()
                failures = 0
                health.update(healthName, ready: true, alive: true, detail: "polling; cursor \(report.cursor ?? "none")")
                delay = report.complete ? settings.pollInterval : .seconds(1)
            } catch is CancellationError {
                break
            } catch let error as LeadershipLost {
                logger.warning("\(error)")
                leading = false
                lastSweep.withLock { $0 = nil }
                continue
            } catch {
                failures += 1
                let kind = Self.kind(error)
                Counter(label: "kiamo_ingest_errors_total", dimensions: [("account", account), ("kind", kind)]).increment()
                Counter(label: "kiamo_ingest_polls_total", dimensions: [("account", account), ("outcome", "failed")]).increment()
                delay = Self.backoff(after: failures, error: error, now: now())
                logger.error("poll failed; retrying in \(DurationText.format(delay))", metadata: ["error": "\(error)", "attempt": "\(failures)"])
                health.update(healthName, ready: failures < 3 && kind != "unauthorized", alive: true, detail: "\(error)")
            }
            do {
                try await pause(delay, keepingLease: leading)
            } catch {
                break
            }
        }
        if leading { await leadership.release() }
        logger.info("ingest stopped")
    }

    /// Sleeps, waking at once on graceful shutdown (throws `CancellationError` then). The holder
    /// (`keepingLease`) renews the lease every third of the TTL while it waits, the failure
    /// backoff (up to a minute) included: otherwise a standby would take over in the middle and
    /// the two would take turns over one account. It returns early when the lease was lost, or
    /// is to be released (over the process's share), checked every second.
    private func pause(_ duration: Duration, keepingLease: Bool) async throws {
        let deadline = ContinuousClock.now + duration
        while ContinuousClock.now < deadline {
            if keepingLease, await leadership.mustRelease { return }
            if keepingLease,
                pollRequested.withLock({ requested in
                    defer { requested = false }; return requested
                })
            {
                return
            }
            let step = min(deadline - ContinuousClock.now, leadership.renewEvery, .seconds(1))
            try await cancelWhenGracefulShutdown { try await Task.sleep(for: step) }
            if Task.isShuttingDownGracefully { throw CancellationError() }
            if keepingLease, ContinuousClock.now < deadline {
                // A store that cannot be written is the next poll's error to report; keep waiting.
                guard (try? await leadership.hold()) != false else { return }
            }
        }
    }

    /// Has the holder poll now rather than at its next interval: the push lost events it could
    /// not replay (a stream down for longer than X's backfill), so the reconciliation must not
    /// wait. A process that does not hold the account's lease polls nothing; the holder's
    /// process is the one whose stream or webhook saw the gap, or its own poll catches it.
    public func reconcileNow() {
        pollRequested.withLock { $0 = true }
    }

    /// Runs `body` (a ledger check, publishes, their commit) as the account's only publisher:
    /// this process's one (`publishGate`), and in push modes the only one of every process
    /// (the `publish` lease, renewed while `body` waits on the broker, released after). A lease
    /// held elsewhere is waited for, polling every 20 ms, up to a lease TTL; past that
    /// `PublishBusy` is thrown (the push is answered 503 and X delivers it again; the poll runs
    /// again at its next interval). Poll mode has no pushes: the `ingest` lease alone suffices.
    func withPublishLock<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        try await publishGate.withSlot {
            guard settings.mode.isPush else { return try await body() }
            let deadline = ContinuousClock.now + settings.leaseTTL
            while try await !publishLease.hold() {
                guard ContinuousClock.now < deadline else { throw PublishBusy(account: account) }
                try await Task.sleep(for: .milliseconds(20))
            }
            let (result, _) = await publishLease.whileHeld { () async -> Result<T, any Error> in
                do { return .success(try await body()) } catch { return .failure(error) }
            }
            await publishLease.release()
            return try result.get()
        }
    }

    // MARK: - One poll

    /// One poll: read, publish, commit. Throws on a failure of X or the state store; a failed
    /// publish is not thrown but ends the batch (`complete == false`).
    public func pollOnce() async throws -> PollReport {
        let started = now()
        let startedInstant = sweepClock()
        await pruneLedgerIfDue(at: startedInstant)
        let cursor = try await state.cursor(account: account).flatMap(Snowflake.parse)
        let sweep = planner.sweepDue(sinceLastSweep: lastSweep.withLock { $0.map { startedInstant - $0.instant } })
        var fetched = try await cancelWhenGracefulShutdown { [self] in
            try await fetch(cursor: cursor, now: started, sweep: sweep)
        }
        if sweep { lastSweep.withLock { $0 = (startedInstant, started) } }
        if settings.mode.isPush {
            // Fresh DMs are the push's; the cursor stays below them, so a later poll reads them
            // again and publishes only those the push missed.
            let horizon = started.addingTimeInterval(-settings.pushGrace.seconds)
            fetched.events.removeAll { ($0.createdAt ?? Snowflake.date(of: Snowflake.parse($0.id) ?? 0)) > horizon }
        }
        // Pushes of this account publish too (push modes, any process): from the ledger's
        // check to its commit, one at a time (`withPublishLock`). X is read outside it.
        return try await withPublishLock { [fetched] in try await publishRead(fetched, cursor: cursor, started: started, sweep: sweep) }
    }

    /// The second half of a poll: drop what the ledger has, publish the rest a chunk at a time,
    /// commit each chunk with the cursor.
    private func publishRead(_ read: Fetched, cursor: UInt64?, started: Date, sweep: Bool) async throws -> PollReport {
        var fetched = read
        let cursorCap = planner.cursorCap(lastSweepStartedAt: lastSweep.withLock { $0?.date })
        var report = fetched.report
        report.sweep = sweep

        let candidates = fetched.events.filter { mapper.skipReason($0) == nil }.map(\.id)
        let unseen = Set(try await state.filterUnseen(account: account, ids: candidates))
        let plan = planner.plan(events: fetched.events, cursor: cursor, now: started, mapper: mapper) { !unseen.contains($0) }
        // The plan holds what goes out; a drain's read list (tens of thousands) is not kept beside it.
        fetched.events = []
        let newlySkipped = countOnce(plan.skipped, cursor: cursor, floor: planner.floor(cursor: cursor, now: started))
        report.skipped = newlySkipped.count + fetched.undecodable.count
        for failure in fetched.undecodable {
            // Not publishable as it stands; the rest of the page goes on (a stuck stream would be worse).
            logger.error("event skipped: X sent it in a form that cannot be read (\(failure))")
            Counter(label: "kiamo_ingest_skipped_total", dimensions: [("account", account), ("reason", "undecodable")]).increment()
        }
        for (event, reason) in newlySkipped {
            logger.debug("event skipped: \(reason)", metadata: ["event": "\(event.id.prefix(24))"])
            Counter(label: "kiamo_ingest_skipped_total", dimensions: [("account", account), ("reason", Self.reasonLabel(reason))]).increment()
        }

        let senders = try await resolveSenders(of: plan.publish, included: fetched.users, report: &report)

        // Publish oldest first, a chunk at a time (mapped just before it goes, so a large backlog
        // never holds every message body at once). Each confirmed chunk is committed before the
        // next goes: a crash publishes at most the chunk in flight again. The cursor may pass only
        // a confirmed prefix, and never the cap of the last sweep (`IngestPlanner.cursorCap`).
        guard try await leadership.hold() else { throw LeadershipLost(account: account) }
        var confirmedPrefix = 0
        var confirmedIds: [String] = []
        var failure: AMQPError?
        var pendingBaseline = plan.baseline
        var start = 0
        func commit(_ ids: [String]) async throws {
            var next = plan.cursor(confirmedPrefix: confirmedPrefix)
            if let cursorCap { next = min(next, cursorCap) }
            let published = ids + pendingBaseline
            // What the broker confirmed is published: if the store is briefly away (a database
            // restart), recording it is tried again rather than left to the next poll, which would
            // publish the chunk a second time. Within half the lease (the commit is the holder's
            // to make), and recording is idempotent.
            var cursor: String?
            let failure = await StateWriteRetry(within: settings.leaseTTL / 2).run {
                cursor = try await state.commitInbound(account: account, publishedIds: published, cursor: String(next))
            } failed: { attempt, error in
                if attempt == 1 {
                    logger.warning("recording the published chunk failed; trying again", metadata: ["error": "\(error)", "ids": "\(published.count)"])
                }
            }
            if let failure { throw failure }
            report.cursor = cursor
            pendingBaseline = []
        }
        while start < plan.publish.count, failure == nil {
            let events = plan.publish[start..<min(start + settings.publishBatch, plan.publish.count)]
            let routingKey = WireContract.RoutingKey.inbound(account: account)
            let traces = events.map { IngestTurnTrace(event: $0, read: fetched.read(of: $0.id), account: account, exchange: topology.exchange, routingKey: routingKey) }
            var messages = events.map { mapper.buildMessageRecord($0, sender: senders[$0.senderId ?? ""], media: fetched.media) }
            if media != nil, messages.contains(where: { !$0.attachments.isEmpty }) {
                // Fetching media can outlast the lease: it is renewed meanwhile, and a process that
                // lost it while fetching publishes none of the chunk (another reads the same DMs now).
                let (linked, held) = await leadership.whileHeld { await withMedia(messages, media: fetched.media) }
                guard held else {
                    for trace in traces { trace.end(notRecorded: "not published: the lease lapsed while its media were fetched") }
                    Counter(label: "kiamo_ingest_messages_published_total", dimensions: [("account", account), ("path", settings.mode.pollPath)]).increment(by: confirmedIds.count)
                    logger.warning(
                        "the ingest lease lapsed while a chunk's media were fetched; publishing no more",
                        metadata: ["confirmed": "\(confirmedIds.count)", "batch": "\(plan.publish.count)"])
                    throw LeadershipLost(account: account)
                }
                messages = linked
            }
            let chunk = try zip(messages, traces).map { message, trace in try outgoing(message, trace: trace.publish.context) }
            let (results, held) = await leadership.whileHeld { await publisher.publish(chunk.map(\.message)) }
            var chunkIds: [String] = []
            var recorded = false
            defer {
                for trace in traces { trace.end(notRecorded: recorded ? nil : "published, not recorded in the inbound ledger (the lease lapsed or the state store failed)") }
            }
            for (index, result) in results.enumerated() {
                traces[index].confirmed(result)
                switch result {
                case .success:
                    chunkIds.append(chunk[index].id)
                    if failure == nil { confirmedPrefix += 1 }
                case .failure(let error):
                    if failure == nil { failure = error }
                }
            }
            confirmedIds += chunkIds
            start += chunk.count
            guard held else {
                // Another process may hold the lease now and read the same events: publish no more
                // and leave the cursor to it. What the broker confirmed is recorded all the same
                // (it was published: leaving it out would only make the holder publish it again).
                _ = try? await state.commitInbound(account: account, publishedIds: chunkIds, cursor: nil)
                Counter(label: "kiamo_ingest_messages_published_total", dimensions: [("account", account), ("path", settings.mode.pollPath)]).increment(by: confirmedIds.count)
                logger.warning(
                    "the ingest lease lapsed while a chunk waited on the broker; publishing no more",
                    metadata: ["confirmed": "\(confirmedIds.count)", "batch": "\(plan.publish.count)"])
                throw LeadershipLost(account: account)
            }
            try await commit(chunkIds)
            recorded = true
            logger.debug("chunk committed: \(confirmedIds.count) of \(plan.publish.count) published and recorded")
        }
        if let failure {
            report.complete = false
            Counter(label: "kiamo_ingest_errors_total", dimensions: [("account", account), ("kind", "publish")]).increment()
            logger.error(
                "publish failed; the rest of the batch waits for the next poll",
                metadata: ["error": "\(failure)", "confirmed": "\(confirmedPrefix)", "batch": "\(plan.publish.count)"])
        }
        if plan.publish.isEmpty {
            // Nothing was published: the cursor (and a first run's baseline) only records what was
            // read and where the clock is, written when it moved far enough (`quietCommitDue`).
            var next = plan.cursor(confirmedPrefix: 0)
            if let cursorCap { next = min(next, cursorCap) }
            if planner.quietCommitDue(
                previous: cursor, next: next, newestRead: plan.readIds.last,
                recordsBaseline: !plan.baseline.isEmpty)
            {
                try await commit([])
            } else {
                report.cursor = cursor.map { String($0) }
            }
        }
        if !plan.baseline.isEmpty {
            logger.info("first run: \(plan.baseline.count) earlier DMs recorded as seen, not published (ingest.backfill)")
        }
        report.published = confirmedIds.count

        Counter(label: "kiamo_ingest_messages_published_total", dimensions: [("account", account), ("path", settings.mode.pollPath)]).increment(by: confirmedIds.count)
        Counter(label: "kiamo_ingest_polls_total", dimensions: [("account", account), ("outcome", report.complete ? "ok" : "partial")]).increment()
        Gauge(label: "kiamo_ingest_last_poll_timestamp_seconds", dimensions: [("account", account)]).record(now().timeIntervalSince1970)
        // How far behind X the published stream is now: nothing when all that was read went out
        // (a quiet account is not late), else the age of the oldest DM left for the next poll.
        // (X may leave created_at out: the id carries the creation time too.)
        var lag = 0.0
        if confirmedPrefix < plan.publish.count {
            let waiting = plan.publish[confirmedPrefix]
            let created = waiting.createdAt ?? Snowflake.date(of: plan.publishIds[confirmedPrefix])
            lag = max(0, now().timeIntervalSince(created))
        }
        report.lagSeconds = lag
        Gauge(label: "kiamo_ingest_lag_seconds", dimensions: [("account", account)]).record(lag)
        if report.published > 0 || !report.complete {
            logger.info(
                "poll published \(report.published) message(s)",
                metadata: ["pages": "\(report.pages)", "cursor": "\(report.cursor ?? "none")", "lookups": "\(report.userLookups)"])
        }
        return report
    }

    /// Forgets the published ids older than the state store's `inboundRetention` (30 days, X's
    /// history), once an hour while this process holds the account: the ledger only has to cover
    /// what a read can bring back (the overlap, a backfill within X's 30 days), and the cursor
    /// keeps older DMs out whatever the ledger remembers. A failure costs disk, never a message:
    /// logged, tried again next hour.
    private func pruneLedgerIfDue(at instant: ContinuousClock.Instant) async {
        let due = lastLedgerPrune.withLock { last in
            guard last.map({ instant - $0 >= Self.ledgerPruneInterval }) ?? true else { return false }
            last = instant
            return true
        }
        guard due else { return }
        do {
            let pruned = try await state.pruneInbound(account: account)
            if pruned > 0 { logger.info("inbound ledger: \(pruned) old entries forgotten", metadata: ["account": "\(account)"]) }
        } catch {
            logger.warning("pruning the inbound ledger failed; trying again in an hour", metadata: ["account": "\(account)", "error": "\(error)"])
        }
    }

    /// The skipped events not counted yet by this process (see `countedSkips`), remembered as
    /// counted.
    private func countOnce(
        _ skipped: [(DMEvent, KiamoMessageMapper.Skip)], cursor: UInt64?,
        floor: UInt64
    ) -> [(DMEvent, KiamoMessageMapper.Skip)] {
        countedSkips.withLock { counted in
            let primed = counted != nil
            var known = counted ?? []
            let fresh = skipped.filter { event, _ in
                guard !known.contains(event.id) else { return false }
                if !primed, let cursor, let id = Snowflake.parse(event.id), id <= cursor { return false }
                return true
            }
            known.formUnion(skipped.map(\.0.id))
            // An id that is no snowflake has no place to fall below the floor: kept while read.
            let unparsed = Set(skipped.map(\.0.id).filter { Snowflake.parse($0) == nil })
            counted = known.filter { id in Snowflake.parse(id).map { $0 > floor } ?? unparsed.contains(id) }
            return fresh
        }
    }

    private struct Fetched: Sendable {
        var events: [DMEvent] = []
        var undecodable: [UndecodableEvent] = []
        var users: [String: XUser] = [:]
        var media: [String: XMedia] = [:]
        /// The pages read, newest first, and the one each event came from (the start of its
        /// turn's trace): an index per event, not a copy of its page's read.
        var pages: [PageRead] = []
        var pageOf: [String: Int32] = [:]
        var report: PollReport

        func read(of event: String) -> PageRead? { pageOf[event].map { pages[Int($0)] } }
    }

    /// Pages newest first until the planner's floor (a quick poll: the cursor), within the shared
    /// DM-read budget.
    private func fetch(cursor: UInt64?, now started: Date, sweep: Bool) async throws -> Fetched {
        var fetched = Fetched(report: PollReport())
        let floor = planner.readFloor(cursor: cursor, now: started, sweep: sweep)
        var token: String?
        repeat {
            try await waitForBudget(.dmRead)
            guard try await leadership.hold() else { throw LeadershipLost(account: account) }
            let readStarted = TraceInstant.now
            let page = try await client.listDMEvents(pageToken: token, maxResults: settings.paginationCount)
            fetched.report.pages += 1
            let read = PageRead(started: readStarted, ended: .now, page: fetched.report.pages, rateLimitRemaining: page.rateLimit?.remaining)
            fetched.pages.append(read)
            for event in page.events { fetched.pageOf[event.id] = Int32(fetched.pages.count - 1) }
            fetched.events += page.events
            fetched.undecodable += page.undecodable
            for user in page.users { fetched.users[user.id] = user }
            for item in page.media { fetched.media[item.mediaKey] = item }
            token = page.nextToken
            let oldest = page.events.compactMap { Snowflake.parse($0.id) }.min()
            if !planner.readsMore(oldestId: oldest, floor: floor, hasNextPage: token != nil) { break }
        } while true
        return fetched
    }

    /// Waits until the shared budget of `family` lets a call go.
    private func waitForBudget(_ family: RateLimitFamily) async throws {
        while true {
            switch try await state.permission(account: account, endpoint: family.rawValue) {
            case .now:
                return
            case .after(let date):
                let wait = max(0.05, date.timeIntervalSince(now()))
                logger.debug("rate-limit budget: waiting \(Int(wait.rounded(.up))) s", metadata: ["endpoint": "\(family.rawValue)"])
                try await Task.sleep(for: .milliseconds(Int64(min(wait, 60) * 1000)))
                guard try await leadership.hold() else { throw LeadershipLost(account: account) }
            }
        }
    }

    /// The senders of the messages: v2 pages include them (and they refresh the shared cache);
    /// v1.1 senders come from the cache, looked up once per user while cached. A sender X cannot
    /// name does not hold the message back (its id stands in for the name).
    func resolveSenders(of events: [DMEvent], included: [String: XUser], report: inout PollReport) async throws -> [String: XUser] {
        var senders: [String: XUser] = [:]
        let ids = Set(events.compactMap(\.senderId))
        for id in ids.sorted() {
            if let user = included[id] {
                senders[id] = user
                try await state.addToCache(account: account, user: CachedUser(user), at: now())
                continue
            }
            if let cached = try await state.getFromCache(account: account, userId: id) {
                senders[id] = XUser(cached)
                continue
            }
            do {
                try await waitForBudget(.users)
                let user = try await client.user(id: id).value
                report.userLookups += 1
                senders[id] = user
                try await state.addToCache(account: account, user: CachedUser(user), at: now())
            } catch let error as XAPIError {
                logger.warning("sender not found; publishing with the sender id as name", metadata: ["sender": "\(id)", "error": "\(error)"])
            }
        }
        for event in events {
            guard let sender = event.senderId, let conversation = event.conversationId else { continue }
            try await state.addToCache(account: account, conversation: CachedConversation(conversationId: conversation, participantId: sender), at: now())
        }
        return senders
    }

    /// `messages` with their media fetched and linked (`InboundMedia`), eight messages at a time;
    /// as they are without the media store.
    func withMedia(_ messages: [KiamoMessage], media items: [String: XMedia]) async -> [KiamoMessage] {
        guard let media, let downloader = client as? any XMediaDownloading, messages.contains(where: { !$0.attachments.isEmpty }) else { return messages }
        return await withTaskGroup(of: (Int, KiamoMessage).self) { group in
            var linked = messages
            var next = 0
            func start() {
                while next < messages.count, messages[next].attachments.isEmpty { next += 1 }
                guard next < messages.count else { return }
                let index = next
                next += 1
                group.addTask { (index, await media.collect(messages[index], media: items, account: self.account, client: downloader)) }
            }
            for _ in 0..<8 { start() }
            while let (index, message) = await group.next() {
                linked[index] = message
                start()
            }
            return linked
        }
    }

    /// The AMQP message of a Kiamo message, carrying the turn's trace context.
    func outgoing(_ message: KiamoMessage, trace: ServiceContext) throws -> (id: String, message: AMQPMessage) {
        var built = try IngestMessages(topology: topology, account: account, appId: settings.appId).message(message)
        built.properties.headers = built.properties.headers.carryingTrace(of: trace)
        return (message.id, built)
    }

    // MARK: - Decisions

    /// Capped exponential backoff after `failures` failed polls; after a 429, the budget's reset.
    static func backoff(after failures: Int, error: any Error, now: Date) -> Duration {
        if case .rateLimited(_, let resetAt?, _) = error as? XAPIError {
            return .milliseconds(Int64(max(1, min(resetAt.timeIntervalSince(now), 900)) * 1000))
        }
        let seconds = min(60, 1 << min(failures - 1, 6))
        return .seconds(seconds)
    }

    static func kind(_ error: any Error) -> String {
        switch error {
        case let error as XAPIError:
            switch error {
            case .rateLimited: "rate_limited"
            case .transient: "x_unavailable"
            case .unauthorized, .refreshRejected: "unauthorized"
            case .decoding: "x_undecodable"
            case .rejected, .invalidArgument: "x_rejected"
            }
        case is StateStoreError: "state"
        case is AMQPError: "broker"
        default: "other"
        }
    }

    static func reasonLabel(_ reason: KiamoMessageMapper.Skip) -> String {
        switch reason {
        case .notAMessage: "not_a_message"
        case .sentByAccount: "sent_by_account"
        case .invalidId: "invalid_id"
        case .missingSender: "missing_sender"
        }
    }
}

/// Another process held the account's `publish` lease for a whole TTL (a publish held by a
/// broker outage): this one did not publish; X delivers the push again, the poll runs again.
struct PublishBusy: Error, CustomStringConvertible {
    let account: String
    var description: String { "account \(account): another process is publishing; try again" }
}

/// Another process took the account's ingest lease while this one polled: stop without
/// committing; the holder reads the same events.
struct LeadershipLost: Error, CustomStringConvertible {
    let account: String
    var description: String { "account \(account): another process took over polling; this one stands by" }
}
