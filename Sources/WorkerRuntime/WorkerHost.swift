import AMQP
import CurlHTTP
import Foundation
import KiamoTwitter
import Logging
import ServiceLifecycle
import SharedState
import XAPI

/// Everything a worker's engines are built from, ready once the broker answered, the topology is
/// declared and every account's credentials were accepted by X.
public struct WorkerContext: Sendable {
    public let configuration: Configuration
    public let topology: Topology
    public let state: any StateStore
    public let amqp: AMQPConnection
    /// One client per configured account, keyed by user id.
    public let clients: [String: MeteredXClient]
    /// The process's HTTP client (libcurl), shared by the accounts' clients.
    public let http: HTTPClient
    public let health: HealthRegistry
    /// This process in leases and ledger claims.
    public let owner: String
    public let logger: Logger
}

/// The life of a worker process, the same for ingest and dispatch: read the configuration (one
/// clear line and exit 2 when it is wrong), bootstrap logging and metrics, serve `/metrics`,
/// `/healthz` and `/readyz` at once, open the state store, connect to the broker (retrying with
/// backoff while it is unreachable, saying so), declare the topology, check every account's
/// credentials with X (exit 2 when X refuses them or they belong to another user), then run the
/// engines in a ServiceGroup until SIGTERM or SIGINT, finishing or handing back in-flight work
/// within `shutdownGrace`.
public enum WorkerHost {
    /// Runs the worker and returns the process exit code.
    public static func run(
        role: String,
        configuration: Configuration,
        makeEngines: @escaping @Sendable (WorkerContext) async throws -> [any Service]
    ) async -> Int32 {
        do {
            try LoggingSetup.bootstrap(configuration)
        } catch {
            FileHandle.standardError.write(Data("kiamo-twitter-\(role): cannot write log files in \(configuration.logFiles.folder): \(error)\n".utf8))
            return 2
        }
        let logger = Logger(label: "kiamo.\(role)")
        for variable in ConfigurationLoader().unknownVariables() {
            logger.warning("unknown environment variable \(variable) ignored (a typo? `--help` lists the variables)")
        }
        guard !configuration.accounts.isEmpty else {
            logger.critical("no X account configured: set accounts in the configuration file, or KIAMO_TWITTER_USER_ID and its credentials")
            return 2
        }
        let registry = MetricsSetup.bootstrap(role: role)
        let refresher = ScrapeRefresher(logger: logger)
        let health = HealthRegistry()
        health.update("startup", ready: false, detail: "starting")

        var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
        if let endpoint = configuration.tracing.endpoint {
            // First in the group, so the last to stop: it sends the spans of the turns that ended
            // while the engines finished.
            do {
                let exporter = try TracingSetup.bootstrap(role: role, endpoint: endpoint, configuration: configuration, logger: logger)
                services.append(.init(service: exporter))
            } catch {
                logger.critical("tracing.endpoint (KIAMO_TWITTER_TRACING_ENDPOINT): \(error)")
                return 2
            }
        }
        if configuration.http.port > 0 {
            let server = OperationsServer.make(
                host: configuration.http.host, port: configuration.http.port, registry: registry, health: health,
                refresher: refresher, logger: logger
            ) { port in
                logger.info("metrics and health on http://\(configuration.http.host):\(port) (/metrics, /healthz, /readyz)")
            }
            services.append(.init(service: server))
        }
        let worker = WorkerService(
            role: role, configuration: configuration, health: health, refresher: refresher, logger: logger,
            makeEngines: makeEngines)
        services.append(.init(service: worker, successTerminationBehavior: .gracefullyShutdownGroup, failureTerminationBehavior: .gracefullyShutdownGroup))

        var groupConfiguration = ServiceGroupConfiguration(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        groupConfiguration.maximumGracefulShutdownDuration = configuration.shutdownGrace
        groupConfiguration.maximumCancellationDuration = .seconds(1)
        let group = ServiceGroup(configuration: groupConfiguration)
        do {
            try await group.run()
            logger.info("stopped")
            return 0
        } catch let error as WorkerStartupError {
            logger.critical("\(error)")
            return error.exitCode
        } catch is CancellationError {
            // SIGTERM while still starting (waiting for the broker or X): a normal stop.
            logger.info("stopped")
            return 0
        } catch {
            logger.critical("stopped on an error: \(error)")
            return 1
        }
    }
}

/// A start-up failure a restart will not fix: one line for the operator, then a non-zero exit.
public struct WorkerStartupError: Error, CustomStringConvertible {
    public let description: String
    public let exitCode: Int32

    public init(_ description: String, exitCode: Int32 = 1) {
        self.description = description
        self.exitCode = exitCode
    }
}

/// Connects what the engines need, checks the accounts, then runs the engines.
struct WorkerService: Service, CustomStringConvertible {
    let role: String
    let configuration: Configuration
    let health: HealthRegistry
    let refresher: ScrapeRefresher
    let logger: Logger
    let makeEngines: @Sendable (WorkerContext) async throws -> [any Service]

    /// How ServiceLifecycle names it in its logs (never the configuration).
    var description: String { "kiamo-twitter-\(role)" }

    func run() async throws {
        let state: any StateStore
        do {
            state = try await StateStoreOpener.open(configuration, logger: logger)
        } catch {
            let failure = StateStoreOpener.failure(error)
            throw WorkerStartupError(failure.message, exitCode: failure.isConfiguration ? 2 : 1)
        }
        health.update("state", ready: true, detail: "open")
        let gauges = StateGauges(state: state, accounts: configuration.accounts)
        refresher.install { try await gauges.refresh() }

        let http = try ConnectionFactory(configuration).httpClient(logger: logger)
        defer { http.shutdown() }

        let amqp = try await connectBroker()
        defer { Task { await amqp.close() } }
        let topology = Topology(configuration)
        let setup = try await amqp.openChannel()
        do {
            // Each worker declares its own side, all its broker user may configure (Topology.Role).
            try await topology.declare(on: setup, as: Topology.Role(rawValue: role) ?? .admin)
        } catch {
            throw WorkerStartupError(
                "declaring the topology on \(Self.redacted(configuration.amqp.url)) failed: \(error). "
                    + "An existing queue with other arguments must be deleted or the settings aligned (amqp.queueType).")
        }
        try? await setup.close()
        health.update("broker", ready: true, detail: "connected")
        BrokerEventWatcher.connected.record(1)
        let watcher = BrokerEventWatcher(health: health, logger: logger, url: Self.redacted(configuration.amqp.url))
        let events = amqp.events()
        let watching = Task {
            for await event in events { watcher.handle(event) }
        }
        defer { watching.cancel() }

        let factory = AccountClientFactory(configuration: configuration, state: state, clock: state.options.clock, http: http, logger: logger)
        var clients: [String: MeteredXClient] = [:]
        for (index, account) in configuration.accounts.enumerated() {
            let client = try await factory.client(for: account)
            try await checkCredentials(client, account: account, index: index)
            clients[account.userId] = client
        }
        health.update("startup", ready: true, detail: "started")

        let context = WorkerContext(
            configuration: configuration, topology: topology, state: state, amqp: amqp, clients: clients, http: http,
            health: health, owner: OwnerID.make(), logger: logger)
        var engines = try await makeEngines(context)
        // The resource files come from the state ingest moves forward; one writer is enough.
        if role == "ingest", configuration.resources.enabled {
            engines.append(ResourceFilesWriter(state: state, configuration: configuration, logger: logger))
        }
        try await withThrowingDiscardingTaskGroup { group in
            for engine in engines {
                group.addTask { try await engine.run() }
            }
        }
        await amqp.close()
    }

    /// The first broker connection: wrong credentials or vhost end the process (a restart will
    /// not fix them); an unreachable broker is retried with capped backoff until it answers.
    private func connectBroker() async throws -> AMQPConnection {
        var attempt = 0
        while true {
            attempt += 1
            var amqpConfiguration: AMQPConfiguration
            do {
                amqpConfiguration = try ConnectionFactory(configuration).amqpConfiguration(role: role)
            } catch {
                throw WorkerStartupError("amqp.url (KIAMO_TWITTER_AMQP_URL): \(error)", exitCode: 2)
            }
            if attempt == 1, let tls = amqpConfiguration.tls, !tls.verifyPeer {
                logger.warning(
                    """
                    amqp.url (KIAMO_TWITTER_AMQP_URL) has verify=verify_none: the broker's certificate is not checked, \
                    so anyone on the path can pose as the broker and read its password; give the broker's CA with cacertfile= instead
                    """)
            }
            let connection = try AMQPConnection(configuration: amqpConfiguration, logger: logger)
            do {
                try await connection.connect()
                logger.info(
                    "connected to the broker \(amqpConfiguration.redactedURL)\(connection.node.map { ", node \($0)" } ?? "") (heartbeat \(AMQPConnectionEvent.seconds(configuration.amqp.heartbeat)))")
                return connection
            } catch let error as AMQPError {
                switch error {
                case .authenticationFailed, .accessRefused, .invalidURL, .invalidArgument:
                    throw WorkerStartupError("broker (amqp.url, KIAMO_TWITTER_AMQP_URL): \(error)")
                default:
                    let delay = min(30, 1 << min(attempt - 1, 5))
                    health.update("broker", ready: false, detail: "\(error)")
                    logger.error("broker unreachable (amqp.url, KIAMO_TWITTER_AMQP_URL): \(error); retrying in \(delay) s")
                    try await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(delay)) }
                    if Task.isShuttingDownGracefully { throw CancellationError() }
                }
            }
        }
    }

    /// Asks X who the credentials belong to: refused credentials or another user end the process;
    /// X unreachable is retried (the engines would only fail the same way).
    private func checkCredentials(_ client: MeteredXClient, account: AccountConfiguration, index: Int) async throws {
        var attempt = 0
        while true {
            attempt += 1
            do {
                let me = try await client.me().value
                guard me.id == account.userId else {
                    throw WorkerStartupError(
                        "accounts[\(index)].userId (KIAMO_TWITTER_USER_ID) is \(account.userId), but its credentials belong to X user \(me.id) (@\(me.username)); fix one or the other", exitCode: 2)
                }
                logger.info("account \(account.userId) (@\(me.username)): \(account.credentials.methodName) credentials accepted")
                health.update("x:\(account.userId)", ready: true, detail: "credentials accepted")
                return
            } catch let error as XAPIError {
                switch error {
                case .unauthorized, .refreshRejected, .rejected, .invalidArgument:
                    throw WorkerStartupError("accounts[\(index)] (user \(account.userId), \(account.credentials.methodName)): \(error)", exitCode: 2)
                case .rateLimited, .transient, .decoding:
                    let delay = min(60, 1 << min(attempt - 1, 6))
                    health.update("x:\(account.userId)", ready: false, detail: "\(error)")
                    logger.error("cannot check account \(account.userId) with X: \(error); retrying in \(delay) s")
                    try await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(delay)) }
                    if Task.isShuttingDownGracefully { throw CancellationError() }
                }
            } catch let error as StateStoreError {
                throw WorkerStartupError("accounts[\(index)] (user \(account.userId)): \(error)", exitCode: 2)
            }
        }
    }

    static func redacted(_ url: Secret) -> String {
        AMQPConfiguration.redact(url.reveal())
    }
}

extension HealthRegistry: HealthReporter {}
