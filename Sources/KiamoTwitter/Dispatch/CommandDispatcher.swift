import AMQP
import Foundation
import Logging
import Metrics
import SharedState
import Synchronization
import Tracing
import XAPI

/// Carries one send command from its delivery to its settlement: validate it, claim each part in
/// the send ledger, post it as a DM (after looking in the conversation when an earlier attempt's
/// outcome is unknown), record it sent, publish the confirmed `sent` report; or dead-letter it
/// with a `failed` report; or send a copy round a retry tier. The engine then acknowledges (or
/// hands back) the delivery as the returned `Settlement` says.
///
/// Decisions are `DispatchDecision`'s; this type only performs them, in an order that keeps the
/// rule "a DM is posted at most once, a command is never lost" through crashes at any point:
/// a copy is published (confirmed) before the claim is handed back and the delivery acked; the
/// ledger says `failed` before the dead letter goes out; a failed publish leaves the delivery
/// unacknowledged, and its redelivery finds the ledger's answer.
public final class CommandDispatcher: Sendable {
    /// What the engine does with the delivery.
    public enum Settlement: Sendable, Hashable {
        /// Finished (sent and reported, dead-lettered and reported, or a copy is parked in a
        /// retry tier): acknowledge it.
        case ack
        /// Could not be finished (the broker or the state store failed): hand it back after
        /// `DispatchSettings.requeueDelay`; its redelivery picks up where the ledger says.
        case requeue(reason: String)
        /// The worker is stopping and the DM was not posted: hand it back at once.
        case handBack
    }

    /// A delivery read: a valid command with its retry headers, or why it is not one.
    public enum Prepared: Sendable {
        /// A command to send, with what its retry headers say.
        case valid(SendCommand, DispatchHeaders.Retry)
        /// Not a command: why, whose it seems to be, and the attempt its headers claim.
        case invalid(CommandFailure, CommandIdentity, attempt: Int)

        /// The per-recipient lane a valid command waits in; nil for an invalid one.
        public var laneKey: String? {
            if case .valid(let command, _) = self { return CommandDispatcher.lane(of: command) }
            return nil
        }

        /// The account for metrics: the command's, or "unknown".
        public var accountLabel: String {
            switch self {
            case .valid(let command, _): command.accountId
            case .invalid(_, let identity, _): identity.accountId ?? DispatchMessages.unknownAccount
            }
        }
    }

    let clients: [String: any XDirectMessageClient]
    /// The state roles dispatch uses: the send ledger (and its delivery counts), the recipient
    /// lines that keep one customer's replies in order, and the shared rate-limit budget.
    public typealias State = SendLedger & RecipientLines & RateLimitBudgets

    let state: any State
    let publisher: any ConfirmedPublisher
    let messages: DispatchMessages
    let validator: SendCommandValidator
    let settings: DispatchSettings
    let owner: String
    let limits: [String: ConcurrencyLimit]
    let match = ConversationMatch()
    let health: any HealthReporter
    let logger: Logger
    let now: @Sendable () -> Date
    let jitter: @Sendable () -> Double
    /// Reads `url` and `path` attachments; nil: such attachments are refused (a `mediaId` needs none).
    let attachments: (any ReplyMediaFetching)?
    /// Tests only (nil in production).
    let testFault: DispatchTestFault?
    private let stopping = Atomic<Bool>(false)

    /// `clients` are keyed by account user id: the accounts this worker serves.
    public init(
        clients: [String: any XDirectMessageClient],
        state: any State,
        publisher: any ConfirmedPublisher,
        topology: Topology,
        settings: DispatchSettings,
        owner: String = OwnerID.make(),
        health: any HealthReporter = NoHealthReporter(),
        logger: Logger,
        now: @escaping @Sendable () -> Date = { Date() },
        jitter: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
        attachments: (any ReplyMediaFetching)? = nil,
        testFault: DispatchTestFault? = nil
    ) {
        self.attachments = attachments
        self.testFault = testFault
        self.clients = clients
        self.state = state
        self.publisher = publisher
        self.messages = DispatchMessages(topology: topology, appId: settings.appId)
        self.validator = SendCommandValidator(
            accountIds: Set(clients.keys), maxBodyBytes: settings.maxCommandBytes,
            splitLongMessages: settings.splitLongMessages)
        self.settings = settings
        self.owner = owner
        self.limits = clients.mapValues { _ in ConcurrencyLimit(limit: settings.concurrencyPerAccount) }
        self.health = health
        self.logger = logger
        self.now = now
        self.jitter = jitter
    }

    /// From now on, commands not yet posted are handed back instead of sent (graceful shutdown).
    public func stop() {
        stopping.store(true, ordering: .relaxed)
    }

    /// Deliveries that arrived in this process and have not asked the line yet (the engine holds
    /// and releases them): their places are renewed while they wait, and a head among them waits
    /// behind the asker in this process (the broker redelivered them out of order), so the asker
    /// parks behind it at once instead of waiting for it.
    let held = HeldPlaces()

    /// How many deliveries the process holds now (set by the engine that feeds this dispatcher:
    /// those handled and those waiting in their lanes). A reply waiting for the head of its line
    /// holds one, and the replies behind it in its lane hold theirs: once they fill the prefetch,
    /// the broker hands over nothing more, and a head whose copy is back from its tier behind
    /// them in the send queue can never get in (the line stood still until the head's entry
    /// expired, its tier plus 30 s, again and again). So a reply waits for a head due back only
    /// while the prefetch has room, and otherwise parks behind it.
    let deliveriesHeld = Mutex<@Sendable () -> Int>({ 0 })

    /// True once `stop()` was called.
    public var isStopping: Bool { stopping.load(ordering: .relaxed) }

    // MARK: - Reading a delivery

    /// Validates a delivery: headers first (a retry header of the wrong type), then the body.
    public func prepare(_ received: SendDelivery) -> Prepared {
        let identity = {
            CommandIdentity.of(
                body: received.body, routingKey: received.routingKey, messageId: received.properties.messageId,
                accounts: self.validator.accountIds)
        }
        let retry: DispatchHeaders.Retry
        switch DispatchHeaders.retry(from: received.properties.headers) {
        case .success(let value): retry = value
        case .failure(let failure): return .invalid(failure, identity(), attempt: 1)
        }
        let envelope = SendCommandValidator.Envelope(
            routingKey: received.routingKey, messageId: received.properties.messageId,
            accountHeader: DispatchHeaders.accountHeader(from: received.properties.headers))
        switch validator.validate(body: received.body, envelope: envelope) {
        case .success(let command): return .valid(command, retry)
        // Dead-lettered at its first handling, whatever x-kiamo-attempt a publisher wrote.
        case .failure(let failure): return .invalid(failure, identity(), attempt: 1)
        }
    }

    /// Takes the commands' places in their recipients' lines as they arrive (one write for the
    /// batch), before they wait in their lanes (or, if suspect, for the gate): the place follows
    /// the order the broker delivered the replies in, not the order the processes get round to
    /// asking. Called by the consumer in delivery order. While the store is away the write is
    /// tried again for up to the posting window, and the batch waits for it: none of them could be
    /// posted without the store anyway, and a batch let through placeless was overtaken by later
    /// replies that reached another process once the store was back (the multi-host suite, with
    /// PostgreSQL restarted). Past the window the batch goes on, and asking takes a place then.
    public func joinLines(_ batch: [Prepared]) async {
        let commands = batch.compactMap { prepared -> SendCommand? in
            if case .valid(let command, _) = prepared { return command }
            return nil
        }
        guard !commands.isEmpty else { return }
        let arrivals = commands.map { LineArrival(account: $0.accountId, recipient: $0.recipientId, commandId: $0.id) }
        let failed = await StateWriteRetry(within: postingWindow, stopping: { [self] in isStopping }).run {
            try await state.joinLines(arrivals, posting: postingWindow)
        } failed: { attempt, error in
            if attempt == 1 {
                logger.info(
                    "could not take \(commands.count) arriving command(s)' places in their recipients' lines yet; trying again",
                    metadata: ["error": "\(error)"])
            }
        }
        if let failed {
            logger.warning("could not take \(commands.count) arriving command(s)' places in their recipients' lines", metadata: ["error": "\(failed)"])
        }
    }

    /// Commands handed back before they asked (graceful shutdown) give up their places: the
    /// broker requeues them in an order of its own, and whoever takes them places them again.
    public func withdrawFromLines(_ batch: [Prepared]) async {
        let arrivals = batch.compactMap { prepared -> LineArrival? in
            guard case .valid(let command, _) = prepared else { return nil }
            return LineArrival(account: command.accountId, recipient: command.recipientId, commandId: command.id)
        }
        do {
            try await state.withdrawFromLines(arrivals)
        } catch {
            // Their places expire after the posting window; the replies behind wait that long at most.
            logger.warning("could not take \(arrivals.count) handed-back command(s) out of their recipients' lines", metadata: ["error": "\(error)"])
        }
    }

    // MARK: - Handling a command

    /// Handles one delivery to its settlement. Never throws: every failure is a settlement.
    ///
    /// The handling is a span of the conversation turn the command's `traceparent` names (the
    /// connector copies it from the Kiamo message the agent answered), or of a trace of its own:
    /// the X calls are its children, and the report and any retry copy carry its context on.
    public func handle(_ received: SendDelivery, _ prepared: Prepared) async -> Settlement {
        await withSpan("dispatch send command", context: received.properties.headers.traceContext, ofKind: .consumer) { span in
            span.attributes["messaging.system"] = "rabbitmq"
            span.attributes["messaging.message.id"] = received.properties.messageId.map { BoundedText.cut($0, limit: 200) }
            let settlement: Settlement
            switch prepared {
            case .invalid(let failure, let identity, let attempt):
                span.attributes["kiamo.command.id"] = BoundedText.cut(identity.commandId, limit: 200)
                logger.warning("invalid send command dead-lettered: \(failure)", metadata: ["command": "\(identity.commandId)"])
                settlement = await deadLetter(
                    received, accountId: identity.accountId, commandId: identity.commandId, recipientId: nil,
                    failure: failure, attempts: attempt)
                span.setStatus(SpanStatus(code: .error, message: "invalid command: \(failure.code.rawValue)"))
            case .valid(let command, let retry):
                span.attributes["kiamo.command.id"] = BoundedText.cut(command.id, limit: 200)
                span.attributes["kiamo.account.id"] = command.accountId
                span.attributes["x.recipient.id"] = command.recipientId
                span.attributes["kiamo.attempt"] = retry.attempt
                settlement = await dispatch(received, command, retry)
            }
            span.attributes["kiamo.settlement"] = "\(settlement)"
            return settlement
        }
    }

    /// Dead-letters `command` as `redelivery_limit`: `deliveries` of it began and none settled.
    /// Only the body and the reason go into the dead letter (not the command's headers): whatever
    /// in it kills the worker or its connection must not do so again on the way out.
    public func setAside(_ received: SendDelivery, _ command: SendCommand, deliveries: Int) async -> Settlement {
        let failure = CommandFailure(
            .redeliveryLimit,
            """
            \(deliveries) deliveries of this command began and none was settled: the worker or its broker connection died \
            while handling it each time (dispatch.maxDeliveries is \(settings.maxDeliveries)); set aside so it cannot loop, \
            replay it once the cause is found
            """)
        logger.error("command set aside: \(failure)", metadata: ["command": "\(BoundedText.cut(command.id, limit: 200))"])
        let settlement = await deadLetter(
            received, accountId: command.accountId, commandId: command.id, recipientId: command.recipientId,
            failure: failure, attempts: deliveries, keepHeaders: false)
        if settlement == .ack {
            // Settled for good: the replies behind it in its recipient's line go on.
            await leaveLine(command, ticket: .max)
        }
        return settlement
    }

    /// What became of one part.
    private enum PartOutcome {
        /// Posted; `earlier`: by an earlier delivery (the ledger said sent), not by this one.
        case sent(dmEventId: String, conversationId: String?, attempts: Int, earlier: Bool)
        case settled(Settlement)
    }

    private func dispatch(_ received: SendDelivery, _ command: SendCommand, _ retry: DispatchHeaders.Retry) async -> Settlement {
        guard let client = clients[command.accountId], let limit = limits[command.accountId] else {
            // The validator accepts only configured accounts; answer safely anyway.
            return await deadLetter(
                received, accountId: nil, commandId: command.id, recipientId: command.recipientId,
                failure: CommandFailure(.unknownAccount, "account \(command.accountId) is not configured in this worker"),
                attempts: retry.attempt)
        }
        if await isSettledInLedger(command) {
            // A copy of a reply already posted or failed for good (its ack lost to a restart, or a
            // copy back from a tier after another delivery settled it): nothing is left to post, so
            // it takes no turn in its customer's line. Queued behind a parked head it went round
            // the tiers with the live replies, for as long as the head took.
            let settlement = await dispatchAdmitted(received, command, retry, client: client, limit: limit)
            if settlement == .ack {
                // The place it took on arriving goes with it.
                await leaveLine(command, ticket: .max)
            }
            return settlement
        }
        let admission: RecipientLineAdmission
        do {
            admission = try await admitToLine(command)
        } catch is CancellationError {
            // Handed back at shutdown before it was admitted: its place goes with it.
            await withdrawFromLines([.valid(command, retry)])
            return .handBack
        } catch {
            return .requeue(reason: "asking the line of recipient \(command.recipientId) failed: \(error)")
        }
        switch admission {
        case .parkBehind(let tier):
            // Not claimed: the copy keeps its attempt and what its headers say about earlier ones.
            logger.info(
                "an earlier reply to this recipient waits in a retry tier; parked behind it",
                metadata: ["command": "\(command.id)", "tier": "\(DurationText.format(tier))"])
            return await requeueCopy(
                received, command: command, key: command.id, tier: tier, attempt: retry.attempt,
                unverifiedSince: retry.unverifiedSince, reason: .behindEarlierReply, ownsClaim: false)
        case .waitForHead:
            // `admitToLine` asks again until the answer is another; answer safely anyway.
            return .requeue(reason: "an earlier reply to recipient \(command.recipientId) is still being posted")
        case .go(let ticket):
            let settlement = await dispatchAdmitted(received, command, retry, client: client, limit: limit)
            // Sent or dead-lettered; or handed back at shutdown with nothing posted by this
            // handling (the ledger keeps an earlier unknown outcome): the broker requeues it in an
            // order of its own, and a place kept would hold the replies behind it until it is back.
            if settlement == .ack || settlement == .handBack {
                await leaveLine(command, ticket: ticket)
            }
            return settlement
        }
    }

    /// True when the ledger holds the command as settled for good: its last part sent (parts are
    /// posted in order), or a part failed. A read that fails answers false: the command then
    /// takes its turn as any other, which is only slower.
    private func isSettledInLedger(_ command: SendCommand) async -> Bool {
        for index in command.parts.indices.reversed() {
            guard let entry = try? await state.sendEntry(account: command.accountId, key: command.ledgerKey(part: index)) else { return false }
            switch entry.state {
            case .sent: if index == command.parts.count - 1 { return true }
            case .failed: return true
            case .pending, .inFlight: break
            }
        }
        return false
    }

    /// Takes a settled command out of its recipient's line (admitted with `ticket`; `.max`: whatever
    /// its entry says). The next reply to this customer waits on this write: tried again while the
    /// store is away, for as long as the entry would hold the line anyway.
    private func leaveLine(_ command: SendCommand, ticket: UInt64) async {
        let left = await StateWriteRetry(within: postingWindow, stopping: { [self] in isStopping }).run {
            try await state.leaveLine(account: command.accountId, recipient: command.recipientId, commandId: command.id, ticket: ticket)
        } failed: { attempt, error in
            if attempt == 1 {
                logger.info("could not take a settled command out of its recipient's line yet; trying again", metadata: ["command": "\(command.id)", "error": "\(error)"])
            }
        }
        if let left {
            // Settled all the same: the entry expires, and the next reply waits for it at most that long.
            logger.warning("could not take a settled command out of its recipient's line", metadata: ["command": "\(command.id)", "error": "\(left)"])
        }
    }

    /// At most how long a command waits for the reply ahead of it being posted (or waiting to
    /// ask, possibly in another process) before it parks behind it for a whole tier: a delivery
    /// waiting holds one of the prefetched commands.
    static let headWait: Duration = .seconds(10)
    /// At most how long it waits for a head due back from its tier but not yet admitted. Longer
    /// than a short tier's grace, so the head's entry expires first (the line then moves on):
    /// parking behind it instead would send this reply round the tier behind whatever waits in
    /// the send queue, and after a hand-back of thousands its copy came back only after its own
    /// entry had expired, so every reply of the line went round again and again and none was
    /// posted. A head whose copy waits behind this reply in this process (`held`) is not
    /// waited for.
    static let dueWait: Duration = .seconds(60)
    /// How often the line is asked again meanwhile.
    static let headPoll: Duration = .milliseconds(50)

    /// How long an admitted reply is taken to be still posting: the longest a handling takes
    /// (waits for the shared budget, a post, a verification of as long again) before its process
    /// is taken for dead and the line moves on without it.
    var postingWindow: Duration { settings.minimumUnknownWait * 2 + settings.maxInMemoryWait }

    /// The command's place in its recipient's line, in the state store so that every dispatch
    /// process sees it: go, or park behind an earlier reply; while that reply is being posted
    /// or due back, ask again shortly (a bounded wait) instead of parking for another whole tier.
    /// Throws `CancellationError` when the worker stops meanwhile.
    private func admitToLine(_ command: SendCommand) async throws -> RecipientLineAdmission {
        let posting = postingWindow
        let postingWait = min(Self.headWait, posting)
        let fallbackTier = settings.retry.tiers.first ?? settings.retry.baseDelay
        var waitedForPosting = Duration.zero
        var waitedForDue = Duration.zero
        var mayWait = true
        while true {
            let admission = try await state.admitToLine(
                account: command.accountId, recipient: command.recipientId, commandId: command.id,
                mayWait: mayWait, fallbackTier: fallbackTier, posting: posting)
            guard case .waitForHead(let beingPosted) = admission else { return admission }
            if isStopping { throw CancellationError() }
            if let head = try await state.recipientLine(account: command.accountId, recipient: command.recipientId).first,
                held.contains(commandId: head.commandId)
            {
                // Its head is held behind it in this very process: waiting would wait for itself.
                mayWait = false
                continue
            }
            if !beingPosted, deliveriesHeld.withLock({ $0 })() >= settings.prefetch {
                // The head is due back from its tier, and the prefetch is full: its copy could not
                // get in. (A head being posted needs no delivery to finish: that wait stays.)
                mayWait = false
                continue
            }
            let polled = ContinuousClock.now
            try await Task.sleep(for: Self.headPoll)
            if beingPosted { waitedForPosting += ContinuousClock.now - polled } else { waitedForDue += ContinuousClock.now - polled }
            mayWait = waitedForPosting < postingWait && waitedForDue < Self.dueWait
        }
    }

    /// The lane key of `command`: its account and recipient (`Prepared.laneKey`).
    static func lane(of command: SendCommand) -> String { "\(command.accountId)/\(command.recipientId)" }

    private func dispatchAdmitted(
        _ received: SendDelivery, _ command: SendCommand, _ retry: DispatchHeaders.Retry,
        client: any XDirectMessageClient, limit: ConcurrencyLimit
    ) async -> Settlement {
        var unresolved = retry.unverifiedSince
        var last: (dmEventId: String, conversationId: String?)?
        var attempts = 1
        var allEarlier = true
        for index in command.parts.indices {
            let outcome: PartOutcome
            do {
                try await limit.acquire()
            } catch {
                return .handBack
            }
            Gauge(label: "kiamo_dispatch_in_flight", dimensions: [("account", command.accountId)]).record(limit.inUse)
            outcome = await sendPart(index, of: command, received: received, client: client, attempt: retry.attempt, unresolved: &unresolved)
            limit.release()
            Gauge(label: "kiamo_dispatch_in_flight", dimensions: [("account", command.accountId)]).record(limit.inUse)
            switch outcome {
            case .settled(let settlement):
                return settlement
            case .sent(let dmEventId, let conversationId, let partAttempts, let earlier):
                last = (dmEventId, conversationId)
                attempts = max(attempts, partAttempts)
                allEarlier = allEarlier && earlier
            }
        }
        guard let last else { return .ack } // a command always has a part; nothing to report otherwise
        let reportKey = command.ledgerKey(part: command.parts.count - 1)
        if allEarlier, (try? await state.sendEntry(account: command.accountId, key: reportKey))??.reportedAt != nil {
            // Another delivery of this command (its retry copy, or the original after a reconnect)
            // posted it and had its report confirmed: one report per command.
            logger.info("command already sent and reported; acknowledged", metadata: ["command": "\(command.id)"])
            return .ack
        }
        let report = DeliveryReport(
            commandId: command.id, status: .sent, dmEventId: last.dmEventId, conversationId: last.conversationId,
            accountId: command.accountId, recipientId: command.recipientId, attempts: attempts, at: now())
        if let failure = await publish([try? messages.report(report, accountId: command.accountId, at: now())]) {
            return .requeue(reason: "the sent report of command \(command.id) was not confirmed: \(failure)")
        }
        if let failure = await StateWriteRetry(within: .seconds(10), stopping: { [self] in isStopping }).run({
            _ = try await state.markSendReported(account: command.accountId, key: reportKey)
        }) {
            // The report went out; a later delivery of the command may report it again.
            logger.warning("could not record the sent report in the ledger", metadata: ["command": "\(command.id)", "error": "\(failure)"])
        }
        Counter(label: "kiamo_dispatch_sent_total", dimensions: [("account", command.accountId)]).increment()
        return .ack
    }

    /// Claims, verifies when needed, and posts part `index`; holds one of the account's slots.
    private func sendPart(
        _ index: Int, of command: SendCommand, received: SendDelivery, client: any XDirectMessageClient,
        attempt headerAttempt: Int, unresolved: inout Date?
    ) async -> PartOutcome {
        if isStopping { return .settled(.handBack) }
        let account = command.accountId
        let key = command.ledgerKey(part: index)
        let text = command.parts[index]
        let claim: SendClaim
        do {
            claim = try await withSpan("claim send ledger", ofKind: .internal) { span in
                let claim = try await state.claimSend(account: account, key: key, owner: owner)
                span.attributes["kiamo.claim"] = String(String(describing: claim).prefix { $0 != "(" })
                span.attributes["kiamo.part"] = index
                return claim
            }
        } catch {
            return .settled(.requeue(reason: "claiming command \(key) in the send ledger failed: \(error)"))
        }
        let claimAttempt: Int
        switch claim {
        case .claimed(let number), .resumed(let number, _), .reclaimed(_, _, let number): claimAttempt = number
        default: claimAttempt = headerAttempt
        }
        // x-kiamo-attempt is written by whoever publishes the command; the ledger's count of the
        // claims made is the workers' own, and each attempt took a claim: a forged attempt
        // 1000000 counts as the claims the ledger holds.
        let attempt = min(headerAttempt, claimAttempt)

        // `mediaId`: what this part posts with, given by the command or uploaded by an earlier
        // attempt while X still takes it (nil: uploaded below). `postedMediaId`: what an earlier
        // attempt posted with, whatever its age, by which a look in the conversation recognises a
        // DM of media alone (with only the reusable one, a day-old post matched nothing and the
        // reply went out twice).
        let attachment = command.attachment(part: index)
        var mediaId: String?
        var postedMediaId: String?
        if case .mediaId(let given)? = attachment {
            mediaId = given
            postedMediaId = given
        } else if attachment != nil, claim.isOwned {
            do {
                let entry = try await state.sendEntry(account: account, key: key)
                postedMediaId = entry?.mediaId
                mediaId = entry.flatMap { Self.usableMedia($0, now: now()) }
            } catch {
                return .settled(
                    await requeueClaimed(
                        key: key, account: account, unresolved: unresolved,
                        reason: "reading the uploaded media of \(key) in the send ledger failed: \(error)"))
            }
        }

        switch DispatchDecision.afterClaim(claim, unverifiedSince: unresolved) {
        case .alreadySent(let dmEventId, let conversationId):
            logger.info("command already sent; acknowledging and reporting again", metadata: ["command": "\(key)", "dm": "\(dmEventId)"])
            return .sent(dmEventId: dmEventId, conversationId: conversationId, attempts: attempt, earlier: true)
        case .alreadyFailed(let failure):
            return .settled(
                await deadLetter(
                    received, accountId: account, commandId: command.id, recipientId: command.recipientId,
                    failure: failure, attempts: attempt))
        case .park:
            logger.debug("command in flight in another worker; parked", metadata: ["command": "\(key)"])
            return .settled(
                await requeueCopy(
                    received, command: command, key: key, tier: settings.retry.tiers.first ?? .seconds(1), attempt: attempt,
                    unverifiedSince: unresolved, reason: .inFlightElsewhere, ownsClaim: false))
        case .verifyThenSend(let since):
            unresolved = since
            // `since` is X's time (`serverNow`): compared with X's clock, not this host's.
            if let wait = DispatchDecision.waitBeforeVerifying(since: since, now: client.serverNow(), minimumUnknownWait: settings.minimumUnknownWait) {
                // X may still be storing the earlier post: a look now could miss it.
                if wait > settings.maxInMemoryWait {
                    logger.info(
                        "an earlier post's outcome is still unknown; verified once X has had time to finish it",
                        metadata: ["command": "\(key)", "wait": "\(DurationText.format(wait))"])
                    return .settled(
                        await requeueCopy(
                            received, command: command, key: key, tier: settings.retry.tier(for: wait), attempt: attempt,
                            unverifiedSince: since, reason: .outcomeUnknown, ownsClaim: true))
                }
                do {
                    try await Task.sleep(for: wait)
                } catch {
                    return .settled(await handBack(key: key, account: account, unresolved: since))
                }
                if isStopping { return .settled(await handBack(key: key, account: account, unresolved: since)) }
            }
            do {
                switch try await findPosted(
                    client: client, account: account, recipientId: command.recipientId, text: text, since: since, mediaId: postedMediaId)
                {
                case .posted(let posted):
                    logger.warning(
                        "an earlier attempt had posted this DM; recorded without posting again",
                        metadata: ["command": "\(key)", "dm": "\(posted.id)"])
                    unresolved = nil
                    return await recordSent(
                        key: key, account: account, dmEventId: posted.id,
                        conversationId: posted.conversationId, attempts: claimAttempt)
                case .notPosted:
                    unresolved = nil
                case .unverifiable(let pages):
                    // Posting now could make it arrive twice, and a later look only has more to read:
                    // set aside for a person, the ledger still saying the outcome is unknown (a replay
                    // looks again before posting).
                    logger.error(
                        "an earlier attempt may have posted this DM and the conversation has moved on too far to check; dead-lettered, not posted again",
                        metadata: ["command": "\(key)", "pages": "\(pages)"])
                    _ = try? await state.releaseSend(account: account, key: key, owner: owner, outcomeUnknownSince: since)
                    let failure = CommandFailure(
                        .outcomeUnverifiable,
                        """
                        an earlier attempt may have posted this reply, and the conversation holds more than \(pages * 100) DMs since \
                        then (all the worker reads to check); not posted again so that it cannot arrive twice: look in the \
                        conversation, then replay the dead letter if the reply is not there
                        """)
                    return .settled(
                        await deadLetter(
                            received, accountId: account, commandId: command.id, recipientId: command.recipientId,
                            failure: failure, attempts: attempt))
                }
            } catch let parked as Parked {
                return .settled(
                    await requeueCopy(
                        received, command: command, key: key, tier: parked.tier, attempt: attempt,
                        unverifiedSince: since, reason: .rateLimited, ownsClaim: true))
            } catch let error as XAPIError {
                return .settled(
                    await afterFailure(
                        error, step: .verifying, received: received, command: command, key: key,
                        attempt: attempt, unresolved: since))
            } catch is CancellationError {
                // The ledger keeps the unknown outcome: the next claimer verifies.
                return .settled(await handBack(key: key, account: account, unresolved: since))
            } catch {
                return .settled(
                    await requeueClaimed(
                        key: key, account: account, unresolved: since,
                        reason: "reading the conversation of \(key) failed: \(error)"))
            }
        case .send:
            break
        }

        // The attachment's media, uploaded once: recorded in the ledger before the post, so a
        // redelivery after a crash from here on posts with it instead of uploading again.
        if let attachment, mediaId == nil {
            switch await upload(attachment, of: command, key: key, received: received, client: client, attempt: attempt, unresolved: unresolved) {
            case .uploaded(let id): mediaId = id
            case .settled(let settlement): return .settled(settlement)
            }
            testFault?.honour(command, at: .afterUpload)
        }

        // The shared budget of DM sends.
        do {
            try await waitForBudget(.dmSend, account: account)
        } catch let parked as Parked {
            return .settled(
                await requeueCopy(
                    received, command: command, key: key, tier: parked.tier, attempt: attempt,
                    unverifiedSince: unresolved, reason: .rateLimited, ownsClaim: true))
        } catch is CancellationError {
            return .settled(await handBack(key: key, account: account, unresolved: unresolved))
        } catch {
            return .settled(
                await requeueClaimed(
                    key: key, account: account, unresolved: unresolved,
                    reason: "reading the rate-limit budget failed: \(error)"))
        }
        if isStopping { return .settled(await handBack(key: key, account: account, unresolved: unresolved)) }

        // The ledger learns that the DM may be at X before the request leaves: whatever happens
        // from here on (a timeout, a lost broker connection, this process's death) the next
        // claimer, in any process, looks in the conversation before posting again.
        // X's time, not this host's: a verification compares it with the `created_at` of the DM
        // X stored (a host 30 s ahead recorded a moment after it, missed it, and posted twice).
        let startedAt = client.serverNow()
        let unknownSince = unresolved ?? startedAt
        do {
            if case .rejected(let current) = try await state.markSendPosting(
                account: account, key: key, owner: owner,
                outcomeUnknownSince: unknownSince)
            {
                // Taken over as stale while this worker waited: the new owner posts (or verifies).
                logger.warning("claim taken over before the post; not posted here", metadata: ["command": "\(key)", "ledger": "\(current?.state.name ?? "none")"])
                return .settled(.requeue(reason: "the claim of \(key) was taken over before the post"))
            }
        } catch {
            return .settled(
                await requeueClaimed(
                    key: key, account: account, unresolved: unresolved,
                    reason: "recording the post of \(key) in the send ledger failed: \(error)"))
        }
        let clock = ContinuousClock.now
        do {
            let sent = try await client.sendDM(to: command.recipientId, text: text, mediaIds: mediaId.map { [$0] } ?? [])
            Timer(label: "kiamo_dispatch_send_duration_seconds", dimensions: [("account", account)]).record(duration: ContinuousClock.now - clock)
            health.update("dispatch:\(account)", ready: true, alive: true, detail: "sending")
            return await recordSent(key: key, account: account, dmEventId: sent.dmEventId, conversationId: sent.conversationId, attempts: claimAttempt)
        } catch let error as XAPIError {
            return .settled(
                await afterFailure(
                    error, step: .posting(startedAt: startedAt), received: received, command: command, key: key,
                    attempt: attempt, unresolved: unresolved))
        } catch {
            // Cancelled mid-request (shutdown past its grace) or an unexpected error: the DM may
            // be posted. The ledger says so: handed back, the next claimer verifies first.
            logger.warning(
                "post interrupted; outcome unknown, the next attempt looks in the conversation first",
                metadata: ["command": "\(key)", "error": "\(error)"])
            return .settled(
                await requeueClaimed(
                    key: key, account: account, unresolved: unknownSince,
                    reason: "the post of \(key) was interrupted: \(error)"))
        }
    }

    /// Records a posted DM in the ledger. If that fails the DM stays posted and the claim in
    /// flight: the redelivery waits for the claim to go stale, then finds the DM by verifying.
    private func recordSent(key: String, account: String, dmEventId: String, conversationId: String?, attempts: Int) async -> PartOutcome {
        do {
            if case .rejected(let current) = try await state.completeSend(
                account: account, key: key, owner: owner,
                dmEventId: dmEventId, conversationId: conversationId)
            {
                // Our claim was taken over as stale while X answered: the new owner verifies and finds this DM.
                logger.warning("claim taken over before the DM was recorded", metadata: ["command": "\(key)", "ledger": "\(current?.state.name ?? "none")"])
            }
        } catch {
            return .settled(.requeue(reason: "DM \(dmEventId) of command \(key) is posted but the ledger did not record it: \(error)"))
        }
        return .sent(dmEventId: dmEventId, conversationId: conversationId, attempts: attempts, earlier: false)
    }

    // MARK: - Attachments

    /// The uploaded media of a part, or how the part was settled instead.
    private enum Upload {
        case uploaded(mediaId: String)
        case settled(Settlement)
    }

    /// X lets a DM use an upload for 24 hours; an id older than this is uploaded again.
    static let mediaReuseWindow: TimeInterval = 23 * 3600

    /// The media id `entry` recorded, while X still takes it.
    static func usableMedia(_ entry: SendEntry, now: Date) -> String? {
        guard let id = entry.mediaId, let at = entry.mediaUploadedAt, now.timeIntervalSince(at) < mediaReuseWindow else { return nil }
        return id
    }

    /// Reads the attachment, uploads it to X as the account, and records its media id in the
    /// ledger (`owner`'s claim). A refused attachment (type, size, host, folder) is a dead letter;
    /// one that may come later, or an upload X failed, is retried as a failed post is.
    private func upload(
        _ attachment: ReplyAttachment, of command: SendCommand, key: String, received: SendDelivery,
        client: any XDirectMessageClient, attempt: Int, unresolved: Date?
    ) async -> Upload {
        let account = command.accountId
        func giveUp(_ failure: CommandFailure) async -> Upload {
            .settled(
                await perform(
                    .deadLetter(failure), error: failure.message, received: received, command: command, key: key, attempt: attempt,
                    unresolved: unresolved))
        }
        guard let uploader = client as? any XMediaUploading else {
            return await giveUp(CommandFailure(.attachmentRefused, "this account's X client cannot upload media"))
        }
        guard let attachments else {
            return await giveUp(CommandFailure(.attachmentRefused, "this worker reads no \(attachment.kind) attachments"))
        }
        let media: LoadedReplyMedia
        do {
            media = try await attachments.load(attachment)
        } catch {
            switch error {
            case .refused(let why):
                return await giveUp(CommandFailure(.attachmentRefused, why))
            case .unavailable(let why):
                return await giveUp(CommandFailure(.attachmentUnavailable, why))
            case .transient(let why):
                let decision = DispatchDecision.afterAttachmentFailure(
                    why, attempt: attempt, unresolvedSince: unresolved, policy: settings.retry, jitter: jitter())
                return .settled(
                    await perform(decision, error: why, received: received, command: command, key: key, attempt: attempt, unresolved: unresolved))
            }
        }
        if isStopping { return .settled(await handBack(key: key, account: account, unresolved: unresolved)) }
        let uploaded: XUploadedMedia
        do {
            try await waitForBudget(.mediaUpload, account: account)
            let clock = ContinuousClock.now
            uploaded = try await uploader.uploadMedia(
                media.bytes, mediaType: media.mediaType, category: media.category, processingTimeout: settings.attachments.processingTimeout)
            Timer(label: "kiamo_dispatch_upload_duration_seconds", dimensions: [("account", account)]).record(duration: ContinuousClock.now - clock)
        } catch let parked as Parked {
            return .settled(
                await requeueCopy(
                    received, command: command, key: key, tier: parked.tier, attempt: attempt,
                    unverifiedSince: unresolved, reason: .rateLimited, ownsClaim: true))
        } catch let error as XAPIError {
            return .settled(
                await afterFailure(error, step: .uploading, received: received, command: command, key: key, attempt: attempt, unresolved: unresolved))
        } catch is CancellationError {
            return .settled(await handBack(key: key, account: account, unresolved: unresolved))
        } catch {
            return .settled(await requeueClaimed(key: key, account: account, unresolved: unresolved, reason: "uploading the media of \(key) failed: \(error)"))
        }
        Counter(label: "kiamo_dispatch_media_uploaded_total", dimensions: [("account", account), ("category", media.category.rawValue)]).increment()
        do {
            if case .rejected(let current) = try await state.recordSendMedia(
                account: account, key: key, owner: owner, mediaId: uploaded.mediaId, uploadedAt: now())
            {
                logger.warning("claim taken over after the upload; not posted here", metadata: ["command": "\(key)", "ledger": "\(current?.state.name ?? "none")"])
                return .settled(.requeue(reason: "the claim of \(key) was taken over before the post"))
            }
        } catch {
            // The upload is lost to the next attempt (X lets it expire): it uploads again.
            return .settled(
                await requeueClaimed(
                    key: key, account: account, unresolved: unresolved, reason: "recording the uploaded media of \(key) failed: \(error)"))
        }
        return .uploaded(mediaId: uploaded.mediaId)
    }

    // MARK: - Failures

    private func afterFailure(
        _ error: XAPIError, step: DispatchDecision.FailedStep, received: SendDelivery, command: SendCommand,
        key: String, attempt: Int, unresolved: Date?
    ) async -> Settlement {
        let account = command.accountId
        let decision = DispatchDecision.afterFailure(
            error, step: step, attempt: attempt, unresolvedSince: unresolved, policy: settings.retry,
            minimumUnknownWait: settings.minimumUnknownWait, now: now(), jitter: jitter())
        switch error {
        case .unauthorized, .refreshRejected:
            health.update("dispatch:\(account)", ready: false, alive: true, detail: "X refuses the credentials: \(error)")
        default:
            break
        }
        return await perform(decision, error: "\(error)", received: received, command: command, key: key, attempt: attempt, unresolved: unresolved)
    }

    /// Carries out a decision after a failure of the command's post, its verification, or its
    /// attachment.
    private func perform(
        _ decision: DispatchDecision.AfterFailure, error: String, received: SendDelivery, command: SendCommand,
        key: String, attempt: Int, unresolved: Date?
    ) async -> Settlement {
        let account = command.accountId
        switch decision {
        case .retry(let tier, let next, let unverified, let reason):
            logger.warning(
                "send failed; retrying as attempt \(next) in \(DurationText.format(tier))",
                metadata: ["command": "\(key)", "error": "\(error)"])
            return await requeueCopy(
                received, command: command, key: key, tier: tier, attempt: next, unverifiedSince: unverified,
                reason: reason, ownsClaim: true)
        case .holdForRateLimit(let tier, let until, let unverified):
            logger.warning("X rate limit reached; parked until the reset", metadata: ["command": "\(key)", "reset": "\(until)"])
            return await requeueCopy(
                received, command: command, key: key, tier: tier, attempt: attempt, unverifiedSince: unverified,
                reason: .rateLimited, ownsClaim: true)
        case .deadLetter(let failure):
            logger.error("send failed for good; dead-lettered", metadata: ["command": "\(key)", "error": "\(failure)"])
            do {
                _ = try await state.failSend(account: account, key: key, owner: owner, reason: DispatchDecision.ledgerReason(failure))
            } catch {
                return await requeueClaimed(
                    key: key, account: account, unresolved: unresolved,
                    reason: "recording the failure of \(key) failed: \(error)")
            }
            return await deadLetter(
                received, accountId: account, commandId: command.id, recipientId: command.recipientId,
                failure: failure, attempts: attempt)
        }
    }

    /// Publishes a copy to a retry tier (confirmed), then hands the claim back, then asks for the
    /// ack. The claim goes back with `unverifiedSince` in the ledger, so whichever delivery comes
    /// next (the copy, or the original when the ack is lost or the copy's publish failed) looks
    /// in the conversation first when the DM may be posted.
    private func requeueCopy(
        _ received: SendDelivery, command: SendCommand, key: String, tier: Duration, attempt: Int,
        unverifiedSince: Date?, reason: DispatchDecision.RetryReason, ownsClaim: Bool
    ) async -> Settlement {
        let copy = messages.retry(received, accountId: command.accountId, tier: tier, attempt: attempt, unverifiedSince: unverifiedSince)
        let failure = await publish([copy])
        if ownsClaim {
            do {
                _ = try await state.releaseSend(account: command.accountId, key: key, owner: owner, outcomeUnknownSince: unverifiedSince)
            } catch {
                // The claim stays in flight (with the post's unknown outcome if there was one):
                // the copy waits for it to go stale, then verifies.
                logger.warning("could not hand the claim back", metadata: ["command": "\(key)", "error": "\(error)"])
            }
        }
        if let failure {
            return .requeue(reason: "the retry copy of \(key) was not confirmed: \(failure)")
        }
        if reason != .behindEarlierReply {
            do {
                try await state.parkInLine(account: command.accountId, recipient: command.recipientId, commandId: command.id, tier: tier)
            } catch {
                // Its admission keeps it at the head as being posted until that expires: later
                // replies wait for it that long, then park behind it.
                logger.warning("could not record the parked command in its recipient's line", metadata: ["command": "\(key)", "error": "\(error)"])
            }
        }
        Counter(label: "kiamo_dispatch_retried_total", dimensions: [("account", command.accountId), ("reason", reason.rawValue)]).increment()
        return .ack
    }

    /// Hands the claim back, with the unknown outcome `unresolved` if any, and asks for a requeue.
    private func requeueClaimed(key: String, account: String, unresolved: Date?, reason: String) async -> Settlement {
        _ = try? await state.releaseSend(account: account, key: key, owner: owner, outcomeUnknownSince: unresolved)
        return .requeue(reason: reason)
    }

    /// Hands the claim back (this attempt posted nothing; `unresolved` is an earlier attempt's
    /// unknown outcome) and the delivery with it: graceful shutdown.
    private func handBack(key: String, account: String, unresolved: Date?) async -> Settlement {
        _ = try? await state.releaseSend(account: account, key: key, owner: owner, outcomeUnknownSince: unresolved)
        return .handBack
    }

    /// Dead-letters the command and publishes its `failed` report, both confirmed.
    private func deadLetter(
        _ received: SendDelivery, accountId: String?, commandId: String, recipientId: String?,
        failure: CommandFailure, attempts: Int, keepHeaders: Bool = true
    ) async -> Settlement {
        let letter = messages.deadLetter(
            received, accountId: accountId, commandId: commandId, failure: failure, attempts: attempts,
            keepHeaders: keepHeaders)
        let report = DeliveryReport(
            commandId: commandId, status: .failed, accountId: accountId, recipientId: recipientId,
            attempts: attempts, at: now(), error: failure.reportError)
        var results = await publisher.publish([letter])
        if case .failure(.unencodable(_, _, let why))? = results.first {
            // Even the bounded copy of its properties cannot be encoded: the body and the reason
            // alone, rather than a command that comes back for ever.
            logger.warning(
                "the dead letter cannot be encoded (\(why)); dead-lettered without the command's headers",
                metadata: ["command": "\(BoundedText.cut(commandId, limit: 200))"])
            results = await publisher.publish([
                messages.deadLetter(
                    received, accountId: accountId, commandId: commandId, failure: failure,
                    attempts: attempts, keepHeaders: false)
            ])
        }
        if case .failure(let error)? = results.first {
            return .requeue(reason: "the dead letter of \(BoundedText.cut(commandId, limit: 200)) was not confirmed: \(error)")
        }
        if let error = await publish([try? messages.report(report, accountId: accountId, at: now())]) {
            return .requeue(reason: "the failed report of \(BoundedText.cut(commandId, limit: 200)) was not confirmed: \(error)")
        }
        let account = accountId ?? DispatchMessages.unknownAccount
        Counter(label: "kiamo_dispatch_dead_lettered_total", dimensions: [("account", account), ("code", failure.code.rawValue)]).increment()
        Counter(label: "kiamo_dispatch_failed_total", dimensions: [("account", account), ("code", failure.code.rawValue)]).increment()
        return .ack
    }

    /// Publishes and waits for every confirm; the first failure, or nil when all were confirmed.
    /// A message that could not even be built (nil) counts as a failure.
    /// Inside the command's span, the publish is a span of its own and each message (a report, a
    /// retry copy) carries its trace context.
    private func publish(_ batch: [AMQPMessage?]) async -> String? {
        var built = batch.compactMap { $0 }
        guard built.count == batch.count else { return "a report could not be encoded" }
        guard ServiceContext.current != nil else { return await confirmed(built) }
        return await withSpan("publish \(built.first?.properties.type ?? "message")", ofKind: .producer) { span in
            span.attributes["messaging.system"] = "rabbitmq"
            if let first = built.first {
                span.attributes["messaging.destination.name"] = first.exchange
                span.attributes["messaging.rabbitmq.destination.routing_key"] = first.routingKey
            }
            for index in built.indices { built[index].properties.headers = built[index].properties.headers.carryingTrace(of: span.context) }
            let failure = await confirmed(built)
            if let failure { span.setStatus(SpanStatus(code: .error, message: "not confirmed: \(failure)")) }
            return failure
        }
    }

    private func confirmed(_ built: [AMQPMessage]) async -> String? {
        for result in await publisher.publish(built) {
            if case .failure(let error) = result { return "\(error)" }
        }
        return nil
    }

    // MARK: - Budgets and verification

    /// A wait too long to hold in memory: park in `tier`.
    private struct Parked: Error {
        let tier: Duration
    }

    /// Returns once the shared budget of `family` lets a call go; throws `Parked` for a long wait.
    private func waitForBudget(_ family: RateLimitFamily, account: String) async throws {
        while true {
            let permission = try await state.permission(account: account, endpoint: family.rawValue)
            switch DispatchDecision.beforeSend(permission, now: now(), maxInMemoryWait: settings.maxInMemoryWait, policy: settings.retry) {
            case .go:
                return
            case .wait(let duration):
                try await Task.sleep(for: duration)
                if isStopping { throw CancellationError() }
            case .park(let tier, _):
                throw Parked(tier: tier)
            }
        }
    }

    /// The DM an earlier attempt posted, if the conversation's recent events hold it.
    /// What a look in the conversation found about an earlier attempt's DM.
    private enum Verification {
        case posted(DMEvent)
        /// The events reach back past the attempt and hold no such DM.
        case notPosted
        /// `pages` pages did not reach back to the attempt: it may be on an older page.
        case unverifiable(pages: Int)
    }

    /// Reads the conversation, newest first, back to `since` (at most `verificationPages` pages
    /// of 100). Not reaching it is not "not posted": the DM may be on the next page.
    private func findPosted(
        client: any XDirectMessageClient, account: String, recipientId: String, text: String, since: Date, mediaId: String?
    ) async throws -> Verification {
        var events: [DMEvent] = []
        var token: String?
        var covered = false
        let pages = max(1, settings.verificationPages)
        for _ in 0..<pages {
            try await waitForBudget(.dmRead, account: account)
            let page = try await client.conversationEvents(with: recipientId, pageToken: token, maxResults: 100)
            events += page.events
            token = page.nextToken
            if token == nil || match.coversSince(page.events, since: since) {
                covered = true
                break
            }
        }
        if let posted = match.find(in: events, account: account, text: text, since: since, mediaId: mediaId) { return .posted(posted) }
        return covered ? .notPosted : .unverifiable(pages: pages)
    }
}
