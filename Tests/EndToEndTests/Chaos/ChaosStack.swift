import CurlHTTP
import Foundation
import KiamoTwitter
import Logging
import SharedState
import TestSupport
import XEmulatorControl

/// The chaos suite's deployment, every part its own OS process: a RabbitMQ of its own (quorum
/// queues), the X emulator, two `kiamo-twitter-ingest` and two `kiamo-twitter-dispatch` processes
/// on one SQLite state file, and one agent (`agent.php`, Kiamo on the real PHP connector).
///
/// Each worker's service name is its slot, which names its broker connection (`chaos-dispatch-1-dispatch@host`),
/// so `closeConnection` can drop one process's connection as a flapping network would.
actor ChaosStack {
    let broker: PrivateBroker
    let emulator: EmulatorProcess
    let control: EmulatorControlClient
    let account = TestAccount()
    let topology: Topology
    /// The state file, the agent's state and the connector's logs; kept when a seed fails.
    let folder: URL
    let stateFile: String
    let agentStateFile: String
    private let http: HTTPClient
    private var workers: [WorkerSlot: RunningProcess] = [:]
    private var agent: RunningProcess?
    /// Every process started, for the log files a failure lists.
    private var started: [RunningProcess] = []
    private var starts: [WorkerSlot: Int] = [:]

    /// Short tiers and many attempts: a reply that keeps failing through the fault window comes
    /// round within the seed's budget and is never dead-lettered for it.
    static let retryDelays: [Duration] = [.milliseconds(500), .seconds(1), .seconds(2), .seconds(5)]

    private init(broker: PrivateBroker, emulator: EmulatorProcess, http: HTTPClient, folder: URL) {
        self.broker = broker
        self.emulator = emulator
        self.http = http
        self.control = EmulatorControlClient(baseURL: emulator.baseURL, http: http)
        self.topology = Topology(queueType: .quorum, retryDelays: Self.retryDelays)
        self.folder = folder
        self.stateFile = folder.appendingPathComponent("state.db").path
        self.agentStateFile = folder.appendingPathComponent("agent-state.json").path
    }

    /// Starts the broker, the emulator, both dispatch processes, both ingest processes and the agent.
    static func start(seed: UInt64) async throws -> ChaosStack {
        let broker = try await PrivateBroker.start()
        let emulator: EmulatorProcess
        do {
            emulator = try await EmulatorProcess.start(arguments: ["--rate-limits", "off", "--account-name", "Kiamo Support"])
        } catch {
            await broker.stop()
            throw error
        }
        let http: HTTPClient
        do {
            http = try HTTPClient()
        } catch {
            _ = try? await emulator.stop()
            await broker.stop()
            throw error
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiamo-chaos-\(seed)-\(UUID().uuidString.prefix(6))", isDirectory: true)
        let stack = ChaosStack(broker: broker, emulator: emulator, http: http, folder: folder)
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            for slot in [
                WorkerSlot(kind: .dispatch, replica: 1), WorkerSlot(kind: .dispatch, replica: 2),
                WorkerSlot(kind: .ingest, replica: 1), WorkerSlot(kind: .ingest, replica: 2),
            ] {
                try await stack.startWorker(slot)
            }
            try await stack.startAgent()
        } catch {
            await stack.tearDown(keepFiles: true)
            throw error
        }
        return stack
    }

    // MARK: Disturbances

    /// SIGKILL: the process gets no chance to hand anything back.
    func kill(_ slot: WorkerSlot) async throws {
        guard let process = workers[slot] else { return }
        process.killNow()
        _ = try await process.waitForExit(timeout: .seconds(10))
    }

    /// Starts the slot's process (again); returns once it runs.
    func startWorker(_ slot: WorkerSlot) async throws {
        starts[slot, default: 0] += 1
        let name = "chaos-\(slot)-\(starts[slot, default: 1])"
        let process: RunningProcess
        switch slot.kind {
        case .ingest:
            // The first ingest process to start polls; the other stands by, so "started" is the line.
            process = try await WorkerProcess.start("kiamo-twitter-ingest", name: name, environment: workerEnvironment(slot), readyLine: "ingest started")
        case .dispatch:
            process = try await WorkerProcess.start("kiamo-twitter-dispatch", name: name, environment: workerEnvironment(slot), readyLine: "dispatch started")
        }
        workers[slot] = process
        started.append(process)
    }

    /// Drops every broker connection the slot's process has open, `times` times `everyMs` apart
    /// (a flapping network when several), as `rabbitmqctl close_connection` does; returns how many
    /// it closed. One `rabbitmqctl eval` does the whole series: a `rabbitmqctl` call alone takes
    /// most of a second, too slow to flap a connection.
    func closeConnections(of slot: WorkerSlot, times: Int, everyMs: Int) async throws -> Int {
        let expression = """
            Prefix = <<"\(Self.connectionName(slot))-">>,
            Close = fun() -> length([ok || Pid <- rabbit_networking:connections(),
                [{client_properties, Props}] <- [catch rabbit_networking:connection_info(Pid, [client_properties])],
                {<<"connection_name">>, longstr, Name} <- Props,
                binary:longest_common_prefix([Name, Prefix]) =:= byte_size(Prefix),
                ok =:= (catch rabbit_networking:close_connection(Pid, "chaos: connection dropped"))]) end,
            lists:sum([begin Closed = Close(), timer:sleep(\(everyMs)), Closed end || _ <- lists:seq(1, \(times))]).
            """
        let output = try await broker.ctl("eval", expression)
        return Int(output.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
    }

    /// Messages in each queue, ready and delivered-unacknowledged together (`rabbitmqctl
    /// list_queues name messages`): a command a dispatcher holds parked is not ready, yet not done.
    func queueTotals() async throws -> [String: Int] {
        let listing = try await broker.ctl("list_queues", "name", "messages", "--no-table-headers", "--silent")
        var totals: [String: Int] = [:]
        for line in listing.split(separator: "\n") {
            let fields = line.split(separator: "\t")
            if fields.count == 2, let count = Int(fields[1].trimmingCharacters(in: .whitespaces)) { totals[String(fields[0])] = count }
        }
        return totals
    }

    func restartBroker() async throws {
        try await broker.restartApp()
    }

    // MARK: Observation

    func agentState() throws -> AgentState? {
        try AgentState.read(agentStateFile)
    }

    /// Whether every slot's current process is still running (a worker that died on its own is a finding).
    func deadWorkers() -> [String] {
        workers.filter { !$0.value.isRunning }.map { "\($0.key) (\($0.value.name))" }.sorted()
    }

    /// The send ledger's entries for `keys` (command ids), by key.
    func sendLedger(_ keys: [String]) async throws -> [String: SendState] {
        var logger = Logger(label: "chaos.state")
        logger.logLevel = .warning
        let store = try await openStateStore(url: "sqlite://" + stateFile, logger: logger)
        var states: [String: SendState] = [:]
        for key in keys {
            states[key] = try await store.sendEntry(account: account.userId, key: key)?.state
        }
        return states
    }

    /// The workers' log lines that mention `needle` (a command id), oldest first, each prefixed with
    /// its process: what a failure shows about a doubled reply. At most `limit` lines.
    func logLines(mentioning needle: String, limit: Int = 12) -> [String] {
        var lines: [String] = []
        for process in started {
            guard let text = try? String(contentsOf: process.logFile, encoding: .utf8) else { continue }
            for line in text.split(separator: "\n") where line.contains(needle) {
                lines.append("\(line.prefix(24)) \(process.name): \(line.dropFirst(24).prefix(220))")
            }
        }
        return Array(lines.sorted().prefix(limit))
    }

    func logFiles() -> String {
        (started + [emulator.process] + (agent.map { [$0] } ?? [])).map { "  \($0.name): \($0.logFile.path)" }.joined(separator: "\n")
            + "\n  connector log, state file, agent state: \(folder.path)"
    }

    // MARK: Stopping

    /// SIGTERM to the agent, then every worker; how each ended, by process name.
    func stopProcesses() async throws -> [String: RunningProcess.Exit] {
        var exits: [String: RunningProcess.Exit] = [:]
        let processes = (agent.map { [$0] } ?? []) + WorkerSlot.all.compactMap { workers[$0] }
        for process in processes where process.isRunning {
            process.terminate()
            exits[process.name] = try await process.waitForExit(timeout: .seconds(30))
        }
        return exits
    }

    /// Kills what still runs, stops the emulator and the broker; keeps the folder when asked
    /// (a failing seed's state file and connector logs).
    func tearDown(keepFiles: Bool) async {
        for process in started + (agent.map { [$0] } ?? []) where process.isRunning {
            process.killNow()
            _ = try? await process.waitForExit()
        }
        _ = try? await emulator.stop()
        http.shutdown()
        await broker.stop()
        if !keepFiles { try? FileManager.default.removeItem(at: folder) }
    }

    // MARK: Configuration

    static func connectionName(_ slot: WorkerSlot) -> String { "chaos-\(slot)" }

    /// The end-to-end suite's settings (EndToEndStack) with shorter tiers, a short stale claim,
    /// and attempts enough that the fault window never dead-letters a reply.
    private func workerEnvironment(_ slot: WorkerSlot) -> [String: String] {
        WorkerProcess.environment(
            amqpURL: broker.url,
            stateFile: stateFile, apiBaseURL: emulator.baseURL, exchange: "kiamo.twitter",
            extra: [
                // The connection's name starts with the service: "chaos-dispatch-1-dispatch@host".
                "KIAMO_TWITTER_SERVICE": Self.connectionName(slot),
                "KIAMO_TWITTER_AMQP_QUEUE_TYPE": "quorum",
                "KIAMO_TWITTER_LOG_LEVEL": "debug",
                "KIAMO_TWITTER_POLL_INTERVAL": "200ms",
                "KIAMO_TWITTER_BACKFILL": "1h",
                "KIAMO_TWITTER_INGEST_LEASE_TTL": "3s",
                "KIAMO_TWITTER_API_TIMEOUT": DurationText.format(.milliseconds(ChaosSchedule.apiTimeoutMs)),
                "KIAMO_TWITTER_DISPATCH_RETRY_DELAYS": Self.retryDelays.map { DurationText.format($0) }.joined(separator: ","),
                "KIAMO_TWITTER_DISPATCH_MAX_ATTEMPTS": "100",
                "KIAMO_TWITTER_DISPATCH_STALE_CLAIM": "4s",
            ])
    }

    private func startAgent() async throws {
        let script = PackagePaths.root.appendingPathComponent("Tests/EndToEndTests/agent.php").path
        let environment = [
            "KIAMO_TWITTER_AMQP_URL": broker.url,
            "KIAMO_TWITTER_ACCOUNT_ID": account.userId,
            "KIAMO_TWITTER_ACK_MODE": "nextFetch",
            "KIAMO_TWITTER_FETCH_BATCH_SIZE": "4",
            "KIAMO_TWITTER_AMQP_CONNECTION_TIMEOUT": "2",
            "KIAMO_TWITTER_AMQP_READ_WRITE_TIMEOUT": "5",
            "KIAMO_TWITTER_AMQP_CONFIRM_TIMEOUT": "5",
            "KIAMO_TWITTER_LOG_LEVEL": "INFO",
            "KIAMO_TWITTER_LOG_PATH": folder.appendingPathComponent("logs").path,
            "E2E_AGENT_STATE": agentStateFile,
            "E2E_AGENT_THINK_MS": "100",
            "E2E_AGENT_IDLE_MS": "100",
        ]
        let process = try await RunningProcess(name: "chaos-agent", executable: try Self.php(), arguments: [script], environment: environment)
        agent = process
        _ = try await process.waitForLine(containing: #""event":"started""#, timeout: .seconds(20))
    }

    private static func php() throws -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for folder in path.split(separator: ":") + ["/usr/bin", "/usr/local/bin"] {
            let candidate = "\(folder)/php"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw PHPNotFound(path: path)
    }
}
