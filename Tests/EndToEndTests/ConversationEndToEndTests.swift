import AMQP
import Foundation
import KiamoTwitter
import SharedState
import TestSupport
import Testing
import XEmulator
import XEmulatorControl

/// The whole system, every part its own OS process (`EndToEndStack`): customers write DMs to the
/// account in the X emulator, ingest publishes them, the agent takes them with the real Kiamo
/// connector's `fetch()` and answers each with `send()`, dispatch posts the replies as DMs and
/// reports them. Ingest, dispatch, the agent and the broker are each restarted once while the
/// conversation goes on; at the end every DM and every reply must have made it exactly once.
///
/// The emulator is not restarted: it is X, and X keeps its DMs; the emulator keeps them in memory
/// only, so a restarted one would have lost every DM and reply the assertions are about (a restart
/// would test the emulator's amnesia, not the workers). X goes down instead, for one round
/// (`outageRound`): unreachable, as X can be, without forgetting anything.
@Suite(.serialized) struct ConversationEndToEndTests {
    /// Customers writing at once, DMs each per round, and the pause between two DMs.
    static let customerCount = 5
    static let dmsPerCustomerPerRound = 2
    static let pauseBetweenDMs: Duration = .milliseconds(120)

    /// One round of DMs per phase; during each of the first four, one component is restarted
    /// once traffic of that round is under way; during the fifth X is down (`outageRound`); the
    /// last round runs undisturbed.
    ///
    /// Dispatch is killed before the broker restarts: the killed dispatcher's claimed command
    /// cycles through the 500 ms retry tier until its claim is stale (6 s), so the broker restarts
    /// with a command whose delay runs out meanwhile. The quorum retry queues dead-letter it at
    /// least once (Topology); dead-lettered at most once, RabbitMQ dropped it ("leader not known").
    static let phases: [Component?] = [.ingest, .dispatch, .broker, .agent, nil, nil]

    /// The round during which X is down: every API call answers 503 for a while (the emulator
    /// itself is not restarted, see above), so ingest backs off and dispatch parks replies in the
    /// retry tiers, the later replies to a customer behind the earlier ones.
    static let outageRound = 4
    /// API requests the outage fails: a short outage (the tiers here are 0.5 s, 2 s, 10 s, 60 s;
    /// a reply failing three times in a row would wait 10 s, and the ones behind it with it).
    static let outageRequests = 8

    /// Once per state backend: the workers on a SQLite file, then on a PostgreSQL database.
    @Test(arguments: StateBackend.allCases)
    func customersAndAnAgentTalkThroughRestartsOfEveryComponentAndEachMessageArrivesOnce(backend: StateBackend) async throws {
        try await EndToEndStack.with(on: backend) { try await converse(on: $0) }
    }

    /// The same conversation with X pushing the DMs, through the same restarts: the stream's
    /// holder and the webhook's process killed, the broker stopped under them.
    @Test(arguments: [IngestMode.stream, .webhook])
    func customersAndAnAgentTalkOnXsPushesThroughRestartsOfEveryComponentAndEachMessageArrivesOnce(mode: IngestMode) async throws {
        try await EndToEndStack.with(ingestMode: mode) { try await converse(on: $0) }
    }

    private func converse(on stack: EndToEndStack) async throws {
        let customers = try await addCustomers(on: stack)
        var posted: [PostedDM] = []
        for (round, component) in Self.phases.enumerated() {
            let before = try await stack.agentState()
            let received = before?.received.count ?? 0
            if let component {
                if component == .dispatch {
                    // X holds the next reply's post: dispatch dies with the command claimed and
                    // its outcome unknown; X may create the DM after the death.
                    try await stack.control.fault(EmulatorFault(endpoint: "dm-send", kind: .delay, delayMs: 1500, count: 1))
                }
                // The restart starts once this round's traffic is flowing and goes on while the
                // rest of the round is posted.
                async let restarted: Void = restart(component, on: stack, afterReceiving: received + 3)
                posted += try await post(round: round, customers: customers, on: stack)
                try await restarted
            } else if round == Self.outageRound {
                try await stack.control.fault(EmulatorFault(kind: .status, status: 503, count: Self.outageRequests))
                posted += try await post(round: round, customers: customers, on: stack)
            } else {
                posted += try await post(round: round, customers: customers, on: stack)
            }
        }
        // The broker no longer restarts: the test reads reports from here on.
        let reader = try await BrokerReader.open(url: stack.broker.url)
        do {
            var reports = try await waitUntilEverythingArrived(posted, on: stack, reader: reader)

            // Stop everything gracefully: what is still queued or unacknowledged stays visible.
            let exits = try await stack.stopProcesses()
            for (name, exit) in exits.sorted(by: { $0.key < $1.key }) {
                #expect(exit == .exited(0), "\(name) \(exit)")
            }
            reports += try await reader.drain(stack.topology.reportsQueue)
            try await check(posted, reports: reports, on: stack, reader: reader)
        } catch {
            await reader.close()
            throw error
        }
        await reader.close()
    }

    // MARK: The conversation

    private func addCustomers(on stack: EndToEndStack) async throws -> [Customer] {
        var customers: [Customer] = []
        let suffix = UUID().uuidString.prefix(4).lowercased()
        for (index, person) in ConversationScript.customers.prefix(Self.customerCount).enumerated() {
            let user = try await stack.control.addUser(name: person.name, username: "\(person.username)_\(suffix)")
            customers.append(Customer(index: index, id: user.id, name: user.name, username: user.username))
        }
        return customers
    }

    /// Each customer writes `dmsPerCustomerPerRound` DMs, the customers taking turns.
    private func post(round: Int, customers: [Customer], on stack: EndToEndStack) async throws -> [PostedDM] {
        var posted: [PostedDM] = []
        for turn in 0..<Self.dmsPerCustomerPerRound {
            for customer in customers {
                let text = ConversationScript.text(customer: customer.index, round: round, turn: turn)
                // Created "now", to the millisecond X keeps, so the test knows the Kiamo `createdAt`.
                let milliseconds = Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
                let id = try await stack.control.postDM(
                    from: customer.id, text: text,
                    createdAt: Date(timeIntervalSince1970: Double(milliseconds) / 1000))
                posted.append(PostedDM(id: id, customer: customer, text: text, createdAtMilliseconds: milliseconds, round: round))
                try await Task.sleep(for: Self.pauseBetweenDMs) // customers type: DMs arrive over time
            }
        }
        return posted
    }

    /// Restarts `component` once the agent has received `received` messages (ingest, the agent,
    /// the broker: messages are then in flight on every leg), or, for dispatch, once X holds a
    /// reply's post (the delay fault was applied).
    private func restart(_ component: Component, on stack: EndToEndStack, afterReceiving received: Int) async throws {
        try await eventually("traffic before restarting \(component)", timeout: .seconds(30), every: .milliseconds(20)) {
            if component == .dispatch { return try await stack.control.stats().faultsApplied >= 1 }
            return try await stack.agentState()?.received.count ?? 0 >= received
        }
        try await stack.restart(component)
    }

    /// Waits until every DM was answered, every reply posted and reported, and the cursor moved
    /// past the newest event; returns the reports taken meanwhile.
    private func waitUntilEverythingArrived(_ posted: [PostedDM], on stack: EndToEndStack, reader: BrokerReader) async throws -> [AMQPDelivery] {
        let ids = Set(posted.map(\.id))
        try await eventually("the agent to receive and answer all \(ids.count) DMs", timeout: .seconds(60), every: .milliseconds(100)) {
            guard let state = try await stack.agentState() else { return false }
            return ids.isSubset(of: Set(state.received.map(\.id))) && state.pending.isEmpty
        }
        let replies = try #require(try await stack.agentState()).replies
        try await eventually("the emulator to show all \(replies.count) replies", timeout: .seconds(60), every: .milliseconds(100)) {
            let texts = Set(try await stack.control.sent().map(\.text))
            return replies.allSatisfy { texts.contains($0.text) }
        }
        var reports: [AMQPDelivery] = []
        let commands = Set(replies.map(\.command))
        try await eventually("a report for each of the \(commands.count) replies", timeout: .seconds(60), every: .milliseconds(100)) {
            reports += try await reader.drain(stack.topology.reportsQueue)
            return commands.isSubset(of: Set(reports.map { $0.properties.correlationId ?? "" }))
        }
        let newest = try await newestEventId(posted, on: stack)
        // In a push mode the reconciliation (every 5 s here) moves the cursor, past DMs 30 s old.
        try await eventually("the ingest cursor to reach the newest event \(newest)", timeout: .seconds(75), every: .milliseconds(100)) {
            try await stack.cursor() == String(newest)
        }
        return reports
    }

    /// The newest event of the account's DMs: customers' DMs and the account's own replies.
    private func newestEventId(_ posted: [PostedDM], on stack: EndToEndStack) async throws -> UInt64 {
        let ids = posted.map(\.id) + (try await stack.control.sent().map(\.dmEventID))
        return ids.compactMap(UInt64.init).max() ?? 0
    }

    // MARK: The outcome

    private func check(_ posted: [PostedDM], reports: [AMQPDelivery], on stack: EndToEndStack, reader: BrokerReader) async throws {
        // Copies of replies already posted (redelivered after a restart lost their ack, or parked
        // behind a killed dispatcher's claim) may still be on their way round a tier: each is
        // acknowledged without a post when it comes back. Waited for, then everything is checked,
        // so a copy that posted on its way back would show.
        var depths: [String: UInt32] = [:]
        let topology = stack.topology
        let queues =
            [topology.inboundQueue, topology.sendQueue, topology.reportsQueue, topology.sendDeadQueue, topology.inboundDeadQueue]
            + EndToEndStack.retryDelays.map(topology.retryQueue)
        let longestTier = EndToEndStack.retryDelays.max() ?? .seconds(1)
        var reports = reports
        try? await eventually("every queue empty", timeout: longestTier + .seconds(30), every: .milliseconds(250)) {
            // A copy whose report was never recorded reports again (reports are at least once).
            reports += try await reader.drain(topology.reportsQueue)
            for queue in queues { depths[queue] = try await reader.depth(queue) }
            return depths.values.allSatisfy { $0 == 0 }
        }
        let state = try #require(try await stack.agentState())
        let sent = try await stack.control.sent()

        // X's outage was met in full: the dispatch delay fault and every 503.
        #expect(try await stack.control.stats().faultsApplied == 1 + Self.outageRequests)
        // Every component was restarted once, and the agent's state went through two processes.
        for component in Component.allCases { #expect(await stack.startCount(component) == 2, "\(component)") }
        #expect(state.incarnations == 2)
        // The dispatcher killed while X held its post left the command claimed with its outcome
        // unknown: its successor found the DM X had created meanwhile instead of posting again.
        #expect(await stack.output(of: .dispatch).contains("an earlier attempt had posted this DM"))

        checkEveryDMReachedTheAgentOnce(posted, state: state)
        checkEveryReplyWasPostedOnce(state: state, sent: sent, customers: Set(posted.map(\.customer)))
        try checkAReportPerReply(reports, state: state, sent: sent, account: stack.account.userId)

        // The send ledger agrees with the reports: each command sent, with its DM's event id.
        let ledger = try await stack.sendLedger(state.replies.map(\.command))
        for reply in state.replies {
            guard case .sent(let dmEventId, _, _) = ledger[reply.command] else {
                Issue.record("command \(reply.command) is \(ledger[reply.command]?.name ?? "missing") in the send ledger")
                continue
            }
            #expect(sent.contains { $0.dmEventID == dmEventId && $0.text == reply.text }, "ledger of \(reply.command)")
        }

        // Nothing waits, nothing was dead-lettered, nothing is left in a retry tier.
        for (queue, depth) in depths.sorted(by: { $0.key < $1.key }) {
            #expect(depth == 0, "\(depth) message(s) left in \(queue)")
        }
        let newest = try await newestEventId(posted, on: stack)
        #expect(try await stack.cursor() == String(newest))
    }

    /// Every DM reached the agent exactly once, with Kiamo's five fields exact. The connector
    /// promises this in `nextFetch` mode with the bag's parameters stored (kiamo/README.md, "Loss
    /// and repeat window"): a re-published DM (ingest crash, broker restart) and a message fetched
    /// by an agent killed before storing the bag are both dropped by the remembered ids or handed
    /// over again, never twice. The agent never deduplicates: `received` is what fetch() returned.
    private func checkEveryDMReachedTheAgentOnce(_ posted: [PostedDM], state: AgentState) {
        let counts = Dictionary(state.received.map { ($0.id, 1) }, uniquingKeysWith: +)
        #expect(state.received.count == posted.count, "\(state.received.count) messages received for \(posted.count) DMs")
        for dm in posted {
            #expect(counts[dm.id] == 1, "DM \(dm.id) (\(dm.text)) reached the agent \(counts[dm.id] ?? 0) times")
            guard let message = state.received.first(where: { $0.id == dm.id }) else { continue }
            #expect(
                message
                    == AgentState.Message(
                        id: dm.id, createdAt: dm.createdAtSeconds, senderId: dm.customer.id,
                        senderName: dm.customer.senderName, content: dm.text))
        }
        for fields in state.fieldNames {
            #expect(fields == ["id", "createdAt", "senderId", "senderName", "content"])
        }
        let unknown = Set(counts.keys).subtracting(posted.map(\.id))
        #expect(unknown.isEmpty, "messages no customer wrote: \(unknown)")
    }

    /// Every reply the agent sent appears in X once, to the right customer, with the exact text.
    /// One exception, documented (kiamo/README.md, "send()"): a reply whose `send()` was cut by
    /// the agent's death (or ended in an unknown outcome) was sent again under a new command id,
    /// so that customer may have it twice.
    private func checkEveryReplyWasPostedOnce(state: AgentState, sent: [SentDirectMessage], customers: Set<Customer>) {
        let byText = Dictionary(grouping: sent, by: \.text)
        let uncertain = Set(state.uncertain)
        #expect(Set(state.replies.map(\.message)) == Set(state.received.map(\.id)), "a reply per message")
        #expect(state.replies.count == Set(state.replies.map(\.message)).count, "one recorded reply per message")
        for reply in state.replies {
            let dms = byText[reply.text] ?? []
            let allowed = uncertain.contains(reply.message) ? 1...2 : 1...1
            #expect(allowed.contains(dms.count), "reply to \(reply.message) posted \(dms.count) times (uncertain: \(uncertain.contains(reply.message)))")
            for dm in dms {
                #expect(dm.recipientID == reply.to, "reply to \(reply.message) went to \(dm.recipientID), not \(reply.to)")
            }
            #expect(customers.contains { $0.id == reply.to })
        }
        let repliedTexts = Set(state.replies.map(\.text))
        let strays = sent.filter { !repliedTexts.contains($0.text) }
        #expect(strays.isEmpty, "DMs no reply asked for: \(strays.map(\.text))")
    }

    /// A `sent` report per reply (correlation id = command id), naming the reply's DM; a command
    /// redelivered after it was sent is reported again (README, "Dispatch worker"), always with
    /// the same DM. Reports of commands the agent has no record of belong to uncertain replies.
    private func checkAReportPerReply(_ deliveries: [AMQPDelivery], state: AgentState, sent: [SentDirectMessage], account: String) throws {
        var reports: [String: [DeliveryReport]] = [:]
        for delivery in deliveries {
            let report = try KiamoJSON.decode(DeliveryReport.self, from: delivery.body)
            #expect(report.status == .sent, "report \(report.commandId): \(report.status) \(String(describing: report.error))")
            #expect(delivery.routingKey == "report.\(account).sent")
            #expect(delivery.properties.correlationId == report.commandId)
            reports[report.commandId, default: []].append(report)
        }
        let uncertainTexts = Set(state.replies.filter { state.uncertain.contains($0.message) }.map(\.text))
        let sentById = Dictionary(sent.map { ($0.dmEventID, $0) }, uniquingKeysWith: { first, _ in first })
        for reply in state.replies {
            let mine = reports[reply.command] ?? []
            #expect(!mine.isEmpty, "no report for command \(reply.command) (reply to \(reply.message))")
            #expect(Set(mine.map(\.dmEventId)).count <= 1, "reports of \(reply.command) name different DMs")
            if let dmEventId = mine.first?.dmEventId {
                #expect(sentById[dmEventId]?.text == reply.text, "report of \(reply.command) names DM \(dmEventId)")
            }
        }
        let recorded = Set(state.replies.map(\.command))
        for (command, extra) in reports where !recorded.contains(command) {
            let text = extra.first?.dmEventId.flatMap { sentById[$0]?.text }
            #expect(text.map(uncertainTexts.contains) == true, "report of unknown command \(command)")
        }
        // Every DM posted is accounted for by a report.
        let reported = Set(reports.values.joined().compactMap(\.dmEventId))
        for dm in sent { #expect(reported.contains(dm.dmEventID), "DM \(dm.dmEventID) without a report") }
    }
}
