import Foundation
import Logging
import PostgresNIO

/// The PostgreSQL backend: one database shared by every worker process of a deployment, on any
/// number of hosts.
///
/// - **Connections**: a pool (`PostgresClient`, `pool_size` connections at most) that this store
///   runs and shuts down in `close()`, plus one dedicated connection holding the liveness locks
///   of this process's lease owners (`PostgresOwnerLiveness`). TLS per `sslmode`.
/// - **Time**: read from the server in the statement that reads the row decided on (see
///   `PostgresTime`), never from the host, unless a clock is injected (tests).
/// - **Concurrency**: every state change is a compare-and-set decided by the shared pure rules
///   on a read (a revision, a version, an owner and expiry, or `INSERT ... ON CONFLICT DO
///   NOTHING`); one that loses is read and decided again, a bounded number of times, as are
///   serialization failures (40001) and deadlocks (40P01). The few multi-statement changes (the
///   inbound commit, a recipient's line) are short transactions; none spans a network call.
/// - **Bounds**: every statement is bounded by `statement_timeout` (and locks by `lock_timeout`)
///   set on each connection, and every call, waiting for a connection included, by a deadline
///   of its own: a server that does not answer turns into `StateStoreError.unavailable`, which
///   the callers treat as transient, and the pool reconnects behind it.
/// - **Schema**: versioned migrations at open, under an advisory lock (`PostgresSchema`).
public final class PostgresStateStore: StateStore {
    /// The policies this store applies.
    public let options: StateStoreOptions
    /// Where the database is (its `description` masks the password).
    public let location: PostgresLocation
    let client: PostgresClient
    let logger: Logger
    let liveness: PostgresOwnerLiveness
    private let runner: Task<Void, Never>
    /// The longest one call may take, waiting for a connection included.
    let callTimeout: Duration
    /// How many times a lost compare-and-set, a serialization failure or a deadlock is run again.
    static let maxAttempts = 16

    private init(
        location: PostgresLocation, options: StateStoreOptions, client: PostgresClient,
        liveness: PostgresOwnerLiveness, logger: Logger
    ) {
        self.location = location
        self.options = options
        self.client = client
        self.liveness = liveness
        self.logger = logger
        self.callTimeout = location.statementTimeout * 2 + .seconds(5)
        self.runner = Task { await client.run() }
    }

    deinit {
        runner.cancel()
    }

    /// Connects, checks the TLS, the login, the database and the privileges, and migrates the
    /// schema. Throws `StateStoreError.cannotConnect` (one line naming `state.url` and what to do)
    /// or `.newerDatabaseSchema`; never changes a newer schema.
    public static func open(
        _ location: PostgresLocation, options: StateStoreOptions = StateStoreOptions(),
        logger: Logger
    ) async throws -> PostgresStateStore {
        let tls = try tlsConfiguration(location)
        let parameters = startupParameters(location)
        var connectionConfiguration = PostgresConnection.Configuration(
            host: location.host, port: location.port, username: location.user, password: location.password,
            database: location.database, tls: try connectionTLS(location, tls)
        )
        connectionConfiguration.options.additionalStartupParameters = parameters
        connectionConfiguration.options.connectTimeout = .seconds(5)
        connectionConfiguration.options.tlsServerName = location.sslMode == .verifyFull ? location.host : nil
        let postgresLogger = Self.quiet(logger)
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(configuration: connectionConfiguration, id: 0, logger: postgresLogger)
        } catch {
            throw PostgresErrorMapping.opening(error, location: location)
        }
        do {
            let outcome = try await PostgresSchema.prepare(connection, url: location.redacted, logger: postgresLogger)
            let missing = try await PostgresSchema.missingPrivileges(connection, logger: postgresLogger)
            if !missing.isEmpty {
                throw StateStoreError.cannotConnect(
                    url: location.redacted,
                    reason: "user \(location.user) may not read and write the state tables \(missing.joined(separator: ", ")): "
                        + "GRANT SELECT, INSERT, UPDATE, DELETE ON them (and USAGE ON SEQUENCE recipient_line_tickets), or connect as their owner"
                )
            }
            if outcome.foundVersion != outcome.migratedTo {
                logger.info(
                    "state database migrated",
                    metadata: [
                        "url": "\(location.redacted)", "from": "\(outcome.foundVersion)", "to": "\(outcome.migratedTo)",
                    ])
            }
        } catch {
            try? await connection.close()
            throw PostgresErrorMapping.opening(error, location: location)
        }
        var clientConfiguration = PostgresClient.Configuration(
            host: location.host, port: location.port, username: location.user, password: location.password,
            database: location.database, tls: clientTLS(location, tls)
        )
        clientConfiguration.options.additionalStartupParameters = parameters
        clientConfiguration.options.maximumConnections = location.poolSize
        clientConfiguration.options.connectTimeout = .seconds(5)
        clientConfiguration.options.tlsServerName = connectionConfiguration.options.tlsServerName
        let client = PostgresClient(configuration: clientConfiguration, backgroundLogger: postgresLogger)
        let liveness = PostgresOwnerLiveness(configuration: connectionConfiguration, connection: connection, logger: postgresLogger)
        return PostgresStateStore(location: location, options: options, client: client, liveness: liveness, logger: postgresLogger)
    }

    /// Closes the pool and the liveness connection (this process's lease owners pass for dead
    /// from then on). Calls after this fail.
    public func close() async {
        await liveness.close()
        runner.cancel()
        _ = await runner.value
    }

    /// A server setting as this store's connections see it (`current_setting`), e.g.
    /// `synchronous_commit` for a benchmark or a diagnosis; nil when the server has no such setting.
    public func serverSetting(_ name: String) async throws -> String? {
        let logger = logger
        return try await perform("reading the server setting \(name)") { connection in
            try await connection.query("SELECT current_setting(\(name), true)", logger: logger).collect(String?.self).first ?? nil
        }
    }

    // MARK: Running statements

    /// Runs `body` on a pooled connection outside any transaction (each statement commits on its
    /// own), within `callTimeout`, running it again when it lost a compare-and-set or hit a
    /// serialization failure or deadlock. Errors become `StateStoreError`s naming `operation`.
    func perform<T: Sendable>(_ operation: String, _ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try await Self.within(callTimeout) { [client] in
                    try await client.withConnection { connection in try await body(connection) }
                }
            } catch  where PostgresErrorMapping.isRetryable(error) && attempt < Self.maxAttempts {
                // A little random back-off, so writers that collided do not collide again in step.
                try await Task.sleep(for: .microseconds(Int.random(in: 50...500) * attempt))
            } catch {
                throw PostgresErrorMapping.operation(error, url: location.redacted, operation: operation)
            }
        }
    }

    /// `perform` in one transaction (committed when `body` returns, rolled back when it throws).
    func transaction<T: Sendable>(_ operation: String, _ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        let logger = logger
        return try await perform(operation) { connection in
            try await connection.withTransaction(logger: logger) { connection in try await body(connection) }
        }
    }

    /// The injected clock's time to bind as `$now`, or nil for the server's clock (`PostgresTime`).
    var nowParameter: Int64? {
        options.clock is SystemStateClock ? nil : PostgresTime.millis(options.clock.now())
    }

    /// Runs `body`, failing with `TimedOut` once `limit` has passed; the body is cancelled then,
    /// and not waited for.
    ///
    /// Not a task group: a group waits for every child before it returns, so a body that ignores
    /// cancellation (a pooled connection request that is never answered, as after a server
    /// restart under load) held the caller for ever, and a worker went silent with no error.
    static func within<T: Sendable>(_ limit: Duration, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        let outcome = FirstOutcome<T>()
        let work = Task { outcome.settle(await Result(catching: body)) }
        let timer = Task {
            guard (try? await Task.sleep(for: limit)) != nil else { return }
            outcome.settle(.failure(PostgresErrorMapping.TimedOut(after: limit)))
        }
        defer {
            work.cancel()
            timer.cancel()
        }
        return try await withTaskCancellationHandler {
            try await outcome.value()
        } onCancel: {
            outcome.settle(.failure(CancellationError()))
        }
    }

    // MARK: Opening

    /// What every connection sets at start: its name, and the bounds on statements and locks.
    private static func startupParameters(_ location: PostgresLocation) -> [(String, String)] {
        let statement = PostgresTime.millis(location.statementTimeout)
        return [
            ("application_name", location.applicationName),
            ("statement_timeout", "\(statement)"),
            ("lock_timeout", "\(max(50, statement / 3))"),
            ("idle_in_transaction_session_timeout", "\(statement * 2)"),
        ]
    }

    /// The TLS settings `sslmode` asks for; nil for `disable`.
    private static func tlsConfiguration(_ location: PostgresLocation) throws -> TLSConfiguration? {
        var tls = TLSConfiguration.makeClientConfiguration()
        switch location.sslMode {
        case .disable:
            return nil
        case .prefer, .require:
            tls.certificateVerification = .none
        case .verifyFull:
            // The certificate is checked against the host name dialled (and sent as SNI, which
            // cannot carry an IP address): a URL with an address could never verify.
            if isIPAddress(location.host) {
                throw StateStoreError.cannotConnect(
                    url: location.redacted,
                    reason: "sslmode=verify-full checks the server's certificate against the host name: write the name the "
                        + "certificate carries (e.g. db.example.com or localhost), not the address \(location.host)")
            }
            tls.certificateVerification = .fullVerification
            if let file = location.sslRootCert {
                guard FileManager.default.isReadableFile(atPath: file) else {
                    throw StateStoreError.cannotConnect(url: location.redacted, reason: "sslrootcert \(file) is missing or not readable by this user")
                }
                tls.trustRoots = .file(file)
            }
        }
        return tls
    }

    private static func isIPAddress(_ host: String) -> Bool {
        var v4 = in_addr()
        var v6 = in6_addr()
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        return inet_pton(AF_INET, bare, &v4) == 1 || inet_pton(AF_INET6, bare, &v6) == 1
    }

    private static func connectionTLS(_ location: PostgresLocation, _ tls: TLSConfiguration?) throws -> PostgresConnection.Configuration.TLS {
        guard let tls else { return .disable }
        let context: NIOSSLContext
        do {
            context = try NIOSSLContext(configuration: tls)
        } catch {
            throw StateStoreError.cannotConnect(url: location.redacted, reason: "the TLS settings cannot be used (\(error)); check sslrootcert")
        }
        return location.sslMode == .prefer ? .prefer(context) : .require(context)
    }

    private static func clientTLS(_ location: PostgresLocation, _ tls: TLSConfiguration?) -> PostgresClient.Configuration.TLS {
        guard let tls else { return .disable }
        return location.sslMode == .prefer ? .prefer(tls) : .require(tls)
    }

    /// PostgresNIO logs every connection event at debug and its retries at warning: keep them
    /// out of the worker's log unless it runs at trace.
    private static func quiet(_ logger: Logger) -> Logger {
        var logger = logger
        if logger.logLevel > .trace { logger.logLevel = max(logger.logLevel, .error) }
        return logger
    }
}
