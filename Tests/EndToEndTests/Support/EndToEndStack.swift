import CurlHTTP
import Foundation
import KiamoTwitter
import Logging
import SharedState
import TestSupport
import Testing
import XEmulatorControl

/// The deployment the end-to-end suite runs, every part its own OS process started the way the
/// README documents: a RabbitMQ of its own (quorum queues), the X emulator, `kiamo-twitter-ingest`
/// and `kiamo-twitter-dispatch` configured by environment variables only, on one state store (a
/// SQLite file, or a PostgreSQL database of its own on the test server), and the agent (`agent.php`, Kiamo's side on the real PHP connector).
///
/// The processes it holds are killed when it is released, so a failing test leaves none behind;
/// `stop()` stops them gracefully and removes the broker.
actor EndToEndStack {
    let broker: PrivateBroker
    let emulator: EmulatorProcess
    let control: EmulatorControlClient
    let account = TestAccount()
    let topology: Topology
    /// The folder of the state file, the agent's state and the connector's logs.
    let folder: URL
    /// The workers' state store: `sqlite://<folder>/state.db` or a `postgres://` URL.
    let stateURL: String
    /// The PostgreSQL database made for this stack, dropped by `tearDown`.
    let database: String?
    let agentStateFile: String
    private let http: HTTPClient
    private var ingest: RunningProcess
    private var dispatch: RunningProcess
    private var agent: RunningProcess
    /// Processes started per component, for process names and log files.
    private var starts: [Component: Int] = [:]
    /// The shared state store, opened on first use (after the workers created it).
    private var store: (any StateStore)?

    /// The settings of the media leg (`start(media:)`): the workers', kept for their restarts.
    private let workerExtras: [String: String]
    /// The agent's, on top of its own.
    private let agentMediaEnvironment: [String: String]

    /// Customers' media and replies with media (`start(media: true)`): where the ingest worker
    /// serves the links, the link secret, and the file the agent attaches to its photo replies.
    struct MediaLeg: Sendable {
        let baseURL: String
        let linkSecret: String
        /// The file the agent's photo replies carry.
        let replyFile: URL
        /// The first dispatch process exits after uploading a reply whose text holds this,
        /// before posting it (`DispatchTestFault`, stage `after-upload`).
        let crashText: String
    }
    let media: MediaLeg?

    /// Short tiers so that a command parked behind a dead worker's claim comes round quickly.
    static let retryDelays: [Duration] = [.milliseconds(500), .seconds(2), .seconds(10), .seconds(60)]

    private init(
        broker: PrivateBroker, emulator: EmulatorProcess, http: HTTPClient, folder: URL, state: (url: String, database: String?),
        ingest: RunningProcess, dispatch: RunningProcess, agent: RunningProcess, media: MediaLeg?, workerExtras: [String: String],
        agentMediaEnvironment: [String: String]
    ) {
        self.media = media
        self.workerExtras = workerExtras
        self.agentMediaEnvironment = agentMediaEnvironment
        self.broker = broker
        self.emulator = emulator
        self.http = http
        self.control = EmulatorControlClient(baseURL: emulator.baseURL, http: http)
        self.topology = Topology(queueType: .quorum, retryDelays: Self.retryDelays)
        self.folder = folder
        self.stateURL = state.url
        self.database = state.database
        self.agentStateFile = folder.appendingPathComponent("agent-state.json").path
        self.ingest = ingest
        self.dispatch = dispatch
        self.agent = agent
        starts = [.ingest: 1, .dispatch: 1, .agent: 1, .broker: 1]
    }

    /// Starts the broker and the emulator, then dispatch, ingest and the agent, each once it is
    /// ready, the workers on a fresh state store of `backend`. `media`: the workers on OAuth 2.0
    /// (X serves DM media to it only), ingest keeping customers' media and serving their links,
    /// dispatch reading reply attachments from the stack's folder, the agent answering a photo
    /// with a photo, and the first dispatch process crashing between that reply's upload and post.
    ///
    /// `ingestMode` `stream` or `webhook`: X pushes the DMs (the emulator to the ingest worker's
    /// loopback webhook, which keeps its port across restarts), with polls every 5 s as the
    /// reconciliation.
    static func start(on backend: StateBackend = .sqlite, media: Bool = false, ingestMode: IngestMode = .poll) async throws -> EndToEndStack {
        let broker = try await PrivateBroker.start()
        var database: String?
        do {
            // Rate limits off: this suite is about restarts; pacing has its own tests, and X's real
            // 300 reads / 15 min would pace a 200 ms poll within the suite's minute. Pushes retried
            // within seconds, so a restarted webhook gets what it missed in the test's time.
            let pushArguments = ingestMode.isPush ? ["--allow-insecure-webhooks", "--webhook-retry-delays", "1,2,4,8", "--stream-keep-alive", "2"] : []
            let emulator = try await EmulatorProcess.start(arguments: ["--rate-limits", "off", "--account-name", "Kiamo Support"] + pushArguments)
            let http = try HTTPClient()
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiamo-e2e-\(UUID().uuidString.prefix(8))", isDirectory: true)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let state = try await backend.freshState(in: folder)
            database = state.database
            let agentStateFile = folder.appendingPathComponent("agent-state.json").path
            var leg: MediaLeg?
            var workerExtras: [String: String] = [:]
            var agentMediaEnvironment: [String: String] = [:]
            var firstDispatchEnvironment: [String: String] = [:]
            if media {
                let port = try LoopbackHTTPServer.unusedPort()
                let replies = folder.appendingPathComponent("replies", isDirectory: true)
                try FileManager.default.createDirectory(at: replies, withIntermediateDirectories: true)
                let replyFile = replies.appendingPathComponent("replacement.png")
                try Self.png(2_400, seed: 42).write(to: replyFile)
                leg = MediaLeg(
                    baseURL: "http://127.0.0.1:\(port)", linkSecret: String(repeating: "e2e-link-secret-", count: 3), replyFile: replyFile,
                    crashText: "a photo of your replacement")
                workerExtras = [
                    "KIAMO_TWITTER_MEDIA_FOLDER": folder.appendingPathComponent("media").path,
                    "KIAMO_TWITTER_MEDIA_PUBLIC_URL": "http://127.0.0.1:\(port)", "KIAMO_TWITTER_MEDIA_LINK_SECRET": leg?.linkSecret ?? "",
                    "KIAMO_TWITTER_MEDIA_HOST": "127.0.0.1", "KIAMO_TWITTER_MEDIA_PORT": "\(port)",
                    "KIAMO_TWITTER_DISPATCH_ATTACHMENT_FOLDER": replies.path,
                ]
                agentMediaEnvironment = ["E2E_AGENT_PHOTO_REPLY": replyFile.lastPathComponent]
                firstDispatchEnvironment = [DispatchTestFault.variable: leg?.crashText ?? "", DispatchTestFault.stageVariable: "after-upload"]
            }
            if ingestMode.isPush {
                let port = try LoopbackHTTPServer.unusedPort()
                workerExtras.merge([
                    "KIAMO_TWITTER_INGEST_MODE": ingestMode.rawValue, "KIAMO_TWITTER_RECONCILE_INTERVAL": "5s",
                    "KIAMO_TWITTER_WEBHOOK_HOST": "127.0.0.1", "KIAMO_TWITTER_WEBHOOK_PORT": "\(port)",
                    "KIAMO_TWITTER_WEBHOOK_URL": "http://127.0.0.1:\(port)/webhooks/x",
                ]) { $1 }
            }
            let environment = workerEnvironment(
                amqpURL: broker.url, stateURL: state.url, apiBaseURL: emulator.baseURL, extras: workerExtras, oauth2: media)
            let dispatch = try await startDispatch(name: "e2e-dispatch-1", environment: environment.merging(firstDispatchEnvironment) { $1 })
            let ingest = try await startIngest(name: "e2e-ingest-1", environment: environment)
            let agent = try await startAgent(
                name: "e2e-agent-1",
                environment: agentEnvironment(amqpURL: broker.url, folder: folder, stateFile: agentStateFile).merging(agentMediaEnvironment) { $1 })
            return EndToEndStack(
                broker: broker, emulator: emulator, http: http, folder: folder, state: state,
                ingest: ingest, dispatch: dispatch, agent: agent, media: leg, workerExtras: workerExtras,
                agentMediaEnvironment: agentMediaEnvironment)
        } catch {
            await broker.stop()
            if let database { try? await TestPostgres.dropDatabase(named: database) }
            throw error
        }
    }

    /// Starts a stack (`start(on:media:)`), runs `body` on it and tears it down; when `body`
    /// throws, the failure names the processes' log files first.
    static func with(
        on backend: StateBackend = .sqlite, media: Bool = false, ingestMode: IngestMode = .poll, _ body: (EndToEndStack) async throws -> Void
    ) async throws {
        let stack = try await start(on: backend, media: media, ingestMode: ingestMode)
        do {
            try await body(stack)
        } catch {
            let logs = await stack.logFiles()
            await stack.tearDown()
            Issue.record("logs:\n\(logs)")
            throw error
        }
        await stack.tearDown()
    }

    // MARK: Restarts

    /// Restarts `component` once: the workers and the agent are killed (SIGKILL, a crash) and
    /// started again on the same state; the broker's application is stopped and started. Returns
    /// once the new process is ready (the broker: once it runs again).
    func restart(_ component: Component) async throws {
        starts[component, default: 1] += 1
        let name = "e2e-\(component)-\(starts[component, default: 1])"
        switch component {
        case .ingest:
            try await kill(ingest)
            ingest = try await Self.startIngest(name: name, environment: workerEnvironment)
        case .dispatch:
            try await kill(dispatch)
            dispatch = try await Self.startDispatch(name: name, environment: workerEnvironment)
        case .agent:
            try await kill(agent)
            agent = try await Self.startAgent(name: name, environment: agentEnvironment)
        case .broker:
            try await broker.restartApp()
        }
    }

    private func kill(_ process: RunningProcess) async throws {
        process.killNow()
        _ = try await process.waitForExit(timeout: .seconds(10))
    }

    /// How the current dispatch process ended, once it has (nil while it runs past `timeout`).
    func dispatchExit(timeout: Duration) async throws -> RunningProcess.Exit? {
        let deadline = ContinuousClock.now + timeout
        while dispatch.isRunning, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(100)) }
        return dispatch.isRunning ? nil : try await dispatch.waitForExit(timeout: .seconds(5))
    }

    /// How many processes (or broker runs) `component` has had.
    func startCount(_ component: Component) -> Int { starts[component, default: 0] }

    // MARK: Observation

    /// What the agent stored so far (nil before its first step).
    func agentState() throws -> AgentState? {
        try AgentState.read(agentStateFile)
    }

    /// The ingest cursor in the shared state store.
    func cursor() async throws -> String? {
        try await stateStore().cursor(account: account.userId)
    }

    /// The send ledger's entries for `keys` (command ids), by key.
    func sendLedger(_ keys: [String]) async throws -> [String: SendState] {
        let store = try await stateStore()
        var states: [String: SendState] = [:]
        for key in keys {
            states[key] = try await store.sendEntry(account: account.userId, key: key)?.state
        }
        return states
    }

    private func stateStore() async throws -> any StateStore {
        if let store { return store }
        var logger = Logger(label: "e2e.state")
        logger.logLevel = .warning
        let opened = try await openStateStore(url: stateURL, logger: logger)
        store = opened
        return opened
    }

    /// What the current process of `component` wrote so far (empty for the broker).
    func output(of component: Component) -> String {
        switch component {
        case .ingest: ingest.output()
        case .dispatch: dispatch.output()
        case .agent: agent.output()
        case .broker: ""
        }
    }

    /// The log files of the current processes, for failure messages.
    func logFiles() -> String {
        [ingest, dispatch, agent, emulator.process].map { "\($0.name): \($0.logFile.path)" }.joined(separator: "\n")
            + "\nconnector log: \(folder.path)/logs"
    }

    // MARK: Stopping

    /// Asks the agent, then ingest and dispatch, to stop (SIGTERM) and returns how each ended.
    func stopProcesses() async throws -> [String: RunningProcess.Exit] {
        var exits: [String: RunningProcess.Exit] = [:]
        for process in [agent, ingest, dispatch] {
            process.terminate()
            exits[process.name] = try await process.waitForExit(timeout: .seconds(15))
        }
        return exits
    }

    /// Stops everything still running and removes the broker and the files.
    func tearDown() async {
        for process in [agent, ingest, dispatch] where process.isRunning {
            process.killNow()
            _ = try? await process.waitForExit()
        }
        _ = try? await emulator.stop()
        http.shutdown()
        await broker.stop()
        store = nil
        if let database { try? await TestPostgres.dropDatabase(named: database) }
        try? FileManager.default.removeItem(at: folder)
    }

    // MARK: Configuration (README: environment variables only)

    private var workerEnvironment: [String: String] {
        Self.workerEnvironment(amqpURL: broker.url, stateURL: stateURL, apiBaseURL: emulator.baseURL, extras: workerExtras, oauth2: media != nil)
    }

    private var agentEnvironment: [String: String] {
        Self.agentEnvironment(amqpURL: broker.url, folder: folder, stateFile: agentStateFile).merging(agentMediaEnvironment) { $1 }
    }

    /// A PNG's signature and `count - 8` bytes that vary with `seed`.
    static func png(_ count: Int, seed: UInt8) -> Data {
        var bytes: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        bytes += (0..<max(0, count - 8)).map { UInt8(truncatingIfNeeded: $0 &* 13 &+ Int(seed)) }
        return Data(bytes)
    }

    /// Both workers: the default exchange on the private broker with quorum queues, a fast poll, a
    /// short ingest lease (a killed poller's successor takes over within it), short retry tiers
    /// and stale-claim time (a killed dispatcher's claims are checked against X after it).
    /// `extras`: the media leg's or the push modes' settings; `oauth2` (the media leg): OAuth 2.0, the
    /// only credentials X serves DM media to.
    private static func workerEnvironment(
        amqpURL: String, stateURL: String, apiBaseURL: String, extras: [String: String] = [:], oauth2: Bool = false
    ) -> [String: String] {
        WorkerProcess.environment(
            amqpURL: amqpURL, stateURL: stateURL, apiBaseURL: apiBaseURL, exchange: "kiamo.twitter", oauth2: oauth2,
            extra: extras.merging([
                "KIAMO_TWITTER_AMQP_QUEUE_TYPE": "quorum",
                "KIAMO_TWITTER_LOG_LEVEL": "debug",
                "KIAMO_TWITTER_POLL_INTERVAL": "200ms",
                "KIAMO_TWITTER_BACKFILL": "1h",
                "KIAMO_TWITTER_INGEST_LEASE_TTL": "3s",
                "KIAMO_TWITTER_API_TIMEOUT": "2s",
                "KIAMO_TWITTER_DISPATCH_RETRY_DELAYS": retryDelays.map { DurationText.format($0) }.joined(separator: ","),
                "KIAMO_TWITTER_DISPATCH_STALE_CLAIM": "6s",
            ]) { $1 })
    }

    /// The connector's settings (kiamo/README.md) and the agent's own. `nextFetch`: a message
    /// leaves the queue only once the stored bag names it, so a killed agent loses none and, with
    /// the bag's parameters stored, sees none twice.
    private static func agentEnvironment(amqpURL: String, folder: URL, stateFile: String) -> [String: String] {
        [
            "KIAMO_TWITTER_AMQP_URL": amqpURL,
            "KIAMO_TWITTER_ACCOUNT_ID": TestAccount().userId,
            "KIAMO_TWITTER_ACK_MODE": "nextFetch",
            "KIAMO_TWITTER_FETCH_BATCH_SIZE": "4",
            "KIAMO_TWITTER_AMQP_CONNECTION_TIMEOUT": "2",
            "KIAMO_TWITTER_AMQP_READ_WRITE_TIMEOUT": "5",
            "KIAMO_TWITTER_AMQP_CONFIRM_TIMEOUT": "5",
            "KIAMO_TWITTER_LOG_LEVEL": "INFO",
            "KIAMO_TWITTER_LOG_PATH": folder.appendingPathComponent("logs").path,
            "E2E_AGENT_STATE": stateFile,
            "E2E_AGENT_THINK_MS": "150",
            "E2E_AGENT_IDLE_MS": "100",
        ]
    }

    private static func startIngest(name: String, environment: [String: String]) async throws -> RunningProcess {
        try await WorkerProcess.start(
            "kiamo-twitter-ingest", name: name, environment: environment,
            readyLine: "polling as the active ingest process")
    }

    private static func startDispatch(name: String, environment: [String: String]) async throws -> RunningProcess {
        try await WorkerProcess.start("kiamo-twitter-dispatch", name: name, environment: environment, readyLine: "dispatch started")
    }

    private static func startAgent(name: String, environment: [String: String]) async throws -> RunningProcess {
        let script = PackagePaths.root.appendingPathComponent("Tests/EndToEndTests/agent.php").path
        let process = try await RunningProcess(name: name, executable: try php(), arguments: [script], environment: environment)
        _ = try await process.waitForLine(containing: #""event":"started""#, timeout: .seconds(20))
        return process
    }

    /// The `php` command-line interpreter on the PATH (the test command installs php-cli).
    private static func php() throws -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for folder in path.split(separator: ":") + ["/usr/bin", "/usr/local/bin"] {
            let candidate = "\(folder)/php"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw PHPNotFound(path: path)
    }
}
