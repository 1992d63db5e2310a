import AMQP
import Foundation
import KiamoTwitter
import TestSupport
import Testing
import XEmulator
import XEmulatorControl

/// The randomized fault-injection suite (issue 18): per seed, two ingest and two dispatch
/// processes on one state file, customers writing through X (the emulator) and an agent answering
/// through the real PHP connector, while a schedule drawn from the seed kills workers (SIGKILL),
/// restarts the broker, drops a worker's broker connection (once, or flapping) and makes X fail
/// (5xx bursts, dropped connections, answers lost or late after X stored the DM, malformed
/// answers, requests stored after the client gave up). Then faults stop, everything drains, and
/// `ChaosVerdict` checks the exactly-once promise end to end.
///
/// Runs only when asked (`ChaosSeeds`): `scripts/test` runs it as its own step,
/// `scripts/test-chaos` runs many seeds, `KIAMO_CHAOS_SEED=N scripts/test-chaos` replays one.
@Suite(.serialized) struct ChaosTests {
    /// How long, after the faults stop, everything may take to drain.
    static let drainTimeout: Duration = .seconds(60)

    @Test(
        .enabled(if: ChaosSeeds.enabled, "set KIAMO_CHAOS=1 or a KIAMO_CHAOS_SEED(S)/RUNS: scripts/test-chaos"),
        arguments: ChaosSeeds.current)
    func everyDMReachesKiamoOnceAndEveryReplyIsPostedOnceInOrderUnderRandomFaults(seed: UInt64) async throws {
        let schedule = ChaosSchedule(seed: seed)
        print("chaos: seed \(seed); replay with KIAMO_CHAOS_SEED=\(seed) scripts/test-chaos\n\(schedule)")
        let clock = ContinuousClock()
        let began = clock.now
        let stack = try await ChaosStack.start(seed: seed)
        let journal = ChaosJournal()
        let observation: ChaosObservation
        do {
            observation = try await run(schedule, on: stack, journal: journal)
        } catch {
            Issue.record(
                "chaos seed \(seed) could not run: \(error)\nreplay: KIAMO_CHAOS_SEED=\(seed) scripts/test-chaos\n\(schedule)\nas run:\n\(await journal.text)\nlogs:\n\(await stack.logFiles())")
            await stack.tearDown(keepFiles: true)
            throw error
        }
        let verdict = ChaosVerdict(observation)
        let took = clock.now - began
        let summary =
            "chaos seed \(seed): \(verdict.passed ? "passed" : "FAILED (\(verdict.failures.count) findings)") in \(took.formatted(.units(allowed: [.seconds], fractionalPart: .show(length: 1))))"
        print(([summary] + verdict.failures.map { "  ✗ \($0)" } + verdict.notes.map { "  · \($0)" }).joined(separator: "\n"))
        if verdict.passed {
            await stack.tearDown(keepFiles: false)
        } else {
            var traces: [String] = []
            for command in verdict.doubledCommands.prefix(4) {
                traces.append("command \(command), posted more than once:\n" + (await stack.logLines(mentioning: command)).map { "  \($0)" }.joined(separator: "\n"))
            }
            Issue.record(
                """
                \(summary)
                replay: KIAMO_CHAOS_SEED=\(seed) scripts/test-chaos
                \(verdict.failures.map { "✗ \($0)" }.joined(separator: "\n"))
                \(verdict.notes.map { "· \($0)" }.joined(separator: "\n"))
                \(traces.joined(separator: "\n"))
                \(schedule)
                as run:
                \(await journal.text)
                logs:
                \(await stack.logFiles())
                """)
            await stack.tearDown(keepFiles: true)
        }
    }

    // MARK: The run

    private func run(_ schedule: ChaosSchedule, on stack: ChaosStack, journal: ChaosJournal) async throws -> ChaosObservation {
        let customers = try await addCustomers(on: stack)
        let clock = ContinuousClock()
        let start = clock.now
        async let traffic = post(schedule, customers: customers, on: stack, from: start)
        async let disturbances: Void = disturb(schedule, on: stack, from: start, journal: journal)
        let posted = try await traffic
        try await disturbances

        // Faults stop: X answers again and every slot runs.
        try await stack.control.clearFaults()
        let died = await stack.deadWorkers()
        for slot in WorkerSlot.all where died.contains(where: { $0.hasPrefix("\(slot) ") }) {
            try await stack.startWorker(slot)
        }
        await journal.note("faults stopped at +\(milliseconds(clock.now - start)) ms\(died.isEmpty ? "" : "; restarted \(died), which died on their own")")

        let reader = try await BrokerReader.open(url: stack.broker.url)
        do {
            var observation = try await drain(posted, on: stack, reader: reader, journal: journal, start: start)
            observation.diedOnTheirOwn = died
            await journal.note("\(observation.drainProblem == nil ? "drained" : "gave up draining") at +\(milliseconds(clock.now - start)) ms")
            observation.exits = try await stack.stopProcesses()
            observation.reports += try await reports(reader.drain(stack.topology.reportsQueue))
            observation.depths = try await depths(on: stack, reader: reader)
            observation.agent = try await stack.agentState()
            observation.ledger = try await stack.sendLedger((observation.agent?.replies ?? []).map(\.command))
            observation.sent = try await stack.control.sent()
            await reader.close()
            return observation
        } catch {
            await reader.close()
            throw error
        }
    }

    private func addCustomers(on stack: ChaosStack) async throws -> [Customer] {
        var customers: [Customer] = []
        let suffix = UUID().uuidString.prefix(4).lowercased()
        for index in 0..<ChaosSchedule.customerCount {
            let person = ConversationScript.customers[index % ConversationScript.customers.count]
            let user = try await stack.control.addUser(name: person.name, username: "\(person.username.prefix(6))\(index)_\(suffix)")
            customers.append(Customer(index: index, id: user.id, name: user.name, username: user.username))
        }
        return customers
    }

    /// Customers write the schedule's DMs at the schedule's times, through X's control API (never faulted).
    private func post(_ schedule: ChaosSchedule, customers: [Customer], on stack: ChaosStack, from start: ContinuousClock.Instant) async throws -> [PostedDM] {
        var posted: [PostedDM] = []
        var turns: [Int: Int] = [:]
        for dm in schedule.dms {
            try await Task.sleep(until: start + .milliseconds(dm.atMs), clock: .continuous)
            let customer = customers[dm.customer]
            let turn = turns[dm.customer, default: 0]
            turns[dm.customer] = turn + 1
            let text = ConversationScript.text(customer: customer.index, round: 0, turn: turn) + " #\(posted.count)"
            let milliseconds = Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
            let id = try await stack.control.postDM(from: customer.id, text: text, createdAt: Date(timeIntervalSince1970: Double(milliseconds) / 1000))
            posted.append(PostedDM(id: id, customer: customer, text: text, createdAtMilliseconds: milliseconds, round: 0))
        }
        return posted
    }

    /// Runs the schedule's steps at their times, one after the other; a step that fails is
    /// written in the journal and the schedule goes on (what it broke shows in the verdict).
    private func disturb(_ schedule: ChaosSchedule, on stack: ChaosStack, from start: ContinuousClock.Instant, journal: ChaosJournal) async throws {
        let clock = ContinuousClock()
        for step in schedule.steps {
            try await Task.sleep(until: start + .milliseconds(step.atMs), clock: .continuous)
            let began = milliseconds(clock.now - start)
            do {
                let detail = try await perform(step.action, on: stack)
                await journal.note("+\(began) ms → +\(milliseconds(clock.now - start)) ms  \(step.action)\(detail.isEmpty ? "" : " (\(detail))")")
            } catch {
                await journal.note("+\(began) ms  \(step.action) FAILED: \(error)")
            }
        }
        try await Task.sleep(until: start + .milliseconds(schedule.faultWindowMs), clock: .continuous)
    }

    private func perform(_ action: ChaosAction, on stack: ChaosStack) async throws -> String {
        switch action {
        case .kill(let slot, let downMs):
            try await stack.kill(slot)
            try await Task.sleep(for: .milliseconds(downMs))
            try await stack.startWorker(slot)
            return ""
        case .restartBroker:
            try await stack.restartBroker()
            return ""
        case .closeConnection(let slot, let times, let everyMs):
            return "\(try await stack.closeConnections(of: slot, times: times, everyMs: everyMs)) closed"
        case .xFault(let fault):
            try await stack.control.fault(fault)
            return ""
        case .lateAnswerThenBrokerRestart(let delayMs, let restartAfterMs):
            let applied = try await stack.control.stats().faultsApplied
            try await stack.control.fault(EmulatorFault(endpoint: "dm-send", kind: .lateAnswer, delayMs: delayMs, count: 1))
            // Restart once a post is held (or after a while, if no reply was being sent).
            let held =
                (try? await eventually("a reply's post held by X", timeout: .seconds(5), every: .milliseconds(20)) {
                    try await stack.control.stats().faultsApplied > applied
                }) != nil
            try await Task.sleep(for: .milliseconds(restartAfterMs))
            try await stack.restartBroker()
            return held ? "a post was held" : "no post was held"
        }
    }

    /// Waits until every DM was answered, every reply is at X with a report, and the work queues
    /// are empty; gives up after `drainTimeout` and says what was missing.
    private func drain(
        _ posted: [PostedDM], on stack: ChaosStack, reader: BrokerReader, journal: ChaosJournal,
        start: ContinuousClock.Instant
    ) async throws -> ChaosObservation {
        let ids = Set(posted.map(\.id))
        var taken: [DeliveryReport] = []
        var waitingFor = ""
        let topology = stack.topology
        let clock = ContinuousClock()
        var journaled = ""
        do {
            try await eventually("everything to drain", timeout: Self.drainTimeout, every: .milliseconds(250)) {
                if waitingFor != journaled {
                    // What the drain waits for, as it changes: a stall shows as one line held long.
                    await journal.note("+\(milliseconds(clock.now - start)) ms  waiting for \(waitingFor)")
                    journaled = waitingFor
                }
                taken += try await reports(reader.drain(topology.reportsQueue))
                guard let state = try await stack.agentState() else { waitingFor = "the agent's first state"; return false }
                let received = ids.subtracting(state.received.map(\.id))
                if !received.isEmpty { waitingFor = "\(received.count) DM(s) to reach Kiamo"; return false }
                if !state.pending.isEmpty { waitingFor = "\(state.pending.count) answer(s) from the agent"; return false }
                let texts = Set(try await stack.control.sent().map(\.text))
                let unposted = state.replies.filter { !texts.contains($0.text) }
                if !unposted.isEmpty { waitingFor = "\(unposted.count) reply(ies) to reach X"; return false }
                let unreported = Set(state.replies.map(\.command)).subtracting(taken.map(\.commandId))
                if !unreported.isEmpty { waitingFor = "\(unreported.count) report(s)"; return false }
                for queue in [topology.inboundQueue, topology.sendQueue] + ChaosStack.retryDelays.map(topology.retryQueue) {
                    let depth = try await reader.depth(queue)
                    if depth > 0 { waitingFor = "\(depth) message(s) in \(queue)"; return false }
                }
                let totals = try await stack.queueTotals()
                for queue in [topology.inboundQueue, topology.sendQueue] + ChaosStack.retryDelays.map(topology.retryQueue) {
                    let held = totals[queue, default: 0]
                    if held > 0 { waitingFor = "\(held) message(s) delivered and not acknowledged in \(queue)"; return false }
                }
                return true
            }
            return ChaosObservation(posted: posted, agent: nil, sent: [], reports: taken, depths: [:], exits: [:], diedOnTheirOwn: [], ledger: [:])
        } catch let error as DeadlineExceeded {
            return ChaosObservation(
                posted: posted, agent: nil, sent: [], reports: taken, depths: [:], exits: [:], diedOnTheirOwn: [], ledger: [:],
                drainProblem: "\(error), still waiting for \(waitingFor)")
        }
    }

    private func reports(_ deliveries: [AMQPDelivery]) throws -> [DeliveryReport] {
        try deliveries.map { try KiamoJSON.decode(DeliveryReport.self, from: $0.body) }
    }

    private func depths(on stack: ChaosStack, reader: BrokerReader) async throws -> [String: UInt32] {
        let topology = stack.topology
        var depths: [String: UInt32] = [:]
        for queue in [topology.inboundQueue, topology.sendQueue, topology.reportsQueue, topology.sendDeadQueue, topology.inboundDeadQueue]
            + ChaosStack.retryDelays.map(topology.retryQueue)
        {
            depths[queue] = try await reader.depth(queue)
        }
        return depths
    }

    private func milliseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
    }
}
