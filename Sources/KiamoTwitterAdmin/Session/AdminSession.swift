import AMQP
import CurlHTTP
import Foundation
import KiamoTwitter
import Logging
import SharedState
import XAPI

/// What one `kiamo-twitter` command works with, opened on first use and closed once at the end:
/// the HTTP client (X and the emulator's control API), the state store, the broker connection and
/// the X client of each account. A command that needs no broker never connects to one.
///
/// The broker is connected without automatic reconnection and with short timeouts: a command
/// fails with one clear line rather than waiting for a broker that is not there.
public actor AdminSession {
    /// The configuration every operation of the command reads.
    public nonisolated let configuration: Configuration
    /// The logger handed to the libraries (quiet unless `--verbose`).
    public nonisolated let logger: Logger
    /// Bound on connecting to the broker and on each of its operations.
    public let brokerTimeout: Duration
    private var http: HTTPClient?
    private var store: (any StateStore)?
    private var amqp: AMQPConnection?
    private var clients: [String: MeteredXClient] = [:]

    /// A session that has opened nothing yet.
    public init(configuration: Configuration, logger: Logger, brokerTimeout: Duration = .seconds(5)) {
        self.configuration = configuration
        self.logger = logger
        self.brokerTimeout = brokerTimeout
    }

    /// The configured account `requested` names, or the only one when `requested` is nil.
    public func account(_ requested: String?) throws -> AccountConfiguration {
        try Self.account(requested, in: configuration)
    }

    /// The account rule, pure: `--account` must name a configured account; without it there must
    /// be exactly one.
    public static func account(_ requested: String?, in configuration: Configuration) throws -> AccountConfiguration {
        if let requested {
            guard let account = configuration.account(requested) else {
                let known = configuration.accounts.map(\.userId).joined(separator: ", ")
                throw AdminError.usage("--account \(requested) is not a configured account (configured: \(known.isEmpty ? "none" : known))")
            }
            return account
        }
        switch configuration.accounts.count {
        case 0:
            throw AdminError.configuration("no X account configured: set accounts in the configuration file, or KIAMO_TWITTER_USER_ID and its credentials")
        case 1:
            return configuration.accounts[0]
        default:
            throw AdminError.usage("several accounts are configured (\(configuration.accounts.map(\.userId).joined(separator: ", "))); choose one with --account")
        }
    }

    /// The HTTP client every X call and emulator call goes through.
    public func httpClient() throws -> HTTPClient {
        if let http { return http }
        let client = try ConnectionFactory(configuration).httpClient(logger: logger)
        http = client
        return client
    }

    /// The state store. With `mustExist`, a SQLite file that does not exist yet is an error rather
    /// than created: a read-only command pointed at a wrong path must not leave an empty state behind.
    public func state(mustExist: Bool = false) async throws -> any StateStore {
        if let store { return store }
        if mustExist, let path = try missingStateFile() {
            throw AdminError.failed(
                "state store: the file \(path) does not exist (state.url, KIAMO_TWITTER_STATE_URL); "
                    + "the workers create it on their first start, or `kiamo-twitter setup` does")
        }
        let opened = try await StateStoreOpener.open(configuration, logger: logger)
        store = opened
        return opened
    }

    /// The path of the configured SQLite state file when it does not exist yet (nil otherwise).
    public func missingStateFile() throws -> String? {
        guard store == nil, case .sqlite(let location) = try StateStoreURL(parsing: configuration.state.url.reveal()) else { return nil }
        return FileManager.default.fileExists(atPath: location.path) ? nil : location.path
    }

    /// The broker connection, connected on first use: one attempt, no reconnection.
    public func broker() async throws -> AMQPConnection {
        if let amqp { return amqp }
        var settings = try ConnectionFactory(configuration).amqpConfiguration(role: "cli")
        settings.connectTimeout = brokerTimeout
        settings.operationTimeout = brokerTimeout
        settings.reconnect = .disabled
        let connection = try AMQPConnection(configuration: settings, logger: logger)
        try await connection.connect()
        amqp = connection
        return connection
    }

    /// A new channel on the broker connection (publisher confirms on).
    public func channel() async throws -> AMQPChannel {
        try await broker().openChannel()
    }

    /// The account's X client, built as the workers build theirs (shared token store, rate-limit
    /// budgets recorded).
    public func client(for account: AccountConfiguration) async throws -> MeteredXClient {
        if let client = clients[account.userId] { return client }
        let state = try await state()
        let factory = AccountClientFactory(
            configuration: configuration, state: state, clock: state.options.clock, http: try httpClient(),
            logger: logger)
        let client = try await factory.client(for: account)
        clients[account.userId] = client
        return client
    }

    /// The OAuth 2.0 token-endpoint client of `account` (`<api.baseUrl>/2/oauth2/token`); a usage
    /// error for an OAuth 1.0a account, naming `command`.
    public func oauth2Client(for account: AccountConfiguration, command: String) throws -> OAuth2Client {
        guard case .oauth2(let clientId, let clientSecret, _) = account.credentials else {
            throw AdminError.usage("account \(account.userId) uses OAuth 1.0a: `\(command)` is for OAuth 2.0 accounts (configure the account's clientId)")
        }
        return ConnectionFactory(configuration).oauth2Client(
            clientId: clientId.reveal(), clientSecret: clientSecret?.reveal(),
            transport: try httpClient(), logger: logger)
    }

    /// Closes what was opened.
    public func close() async {
        if let amqp { await amqp.close() }
        amqp = nil
        http?.shutdown()
        http = nil
        clients = [:]
        store = nil
    }
}
