import Foundation
import Logging
import XEmulator

/// An X emulator running in this test process on a free loopback port, with test credentials.
///
/// Start one per test (`TestEmulator.start()` or `withTestEmulator`), point the client under test
/// at `baseURL`, seed and inspect it through the helpers (which use the store directly), and
/// `stop()` it at the end. For an emulator in its own OS process, see `EmulatorProcess` and
/// `EmulatorControlClient`.
public final class TestEmulator: Sendable {
    /// Test credentials every emulator started here accepts unless told otherwise.
    public enum Credentials {
        /// The account's user id.
        public static let accountID = "1234"
        /// The account's handle.
        public static let accountUsername = "kiamo_support"
        /// The account's display name.
        public static let accountName = "Kiamo Support"
        /// OAuth 1.0a consumer key.
        public static let consumerKey = "test-consumer-key"
        /// OAuth 1.0a consumer secret.
        public static let consumerSecret = "test-consumer-secret"
        /// OAuth 1.0a access token of the account.
        public static let accessToken = "1234-test-access-token"
        /// OAuth 1.0a access token secret of the account.
        public static let accessTokenSecret = "test-access-token-secret"
        /// OAuth 2.0 client id (a public client by default).
        public static let clientID = "test-client-id"
        /// The first OAuth 2.0 refresh token accepted (it rotates on use).
        public static let refreshToken = "test-refresh-token"
    }

    /// The emulator (its configuration and store).
    public let emulator: XEmulator
    private let running: RunningEmulator

    /// `http://127.0.0.1:PORT`: the base URL to give an X client.
    public var baseURL: String { running.baseURL }
    /// The bound port.
    public var port: Int { running.port }
    /// The store, to seed and inspect directly.
    public var store: EmulatorStore { emulator.store }
    /// What it was started with.
    public var configuration: EmulatorConfiguration { emulator.configuration }

    private init(emulator: XEmulator, running: RunningEmulator) {
        self.emulator = emulator
        self.running = running
    }

    /// A configuration with the test credentials: a public OAuth 2.0 client unless `clientSecret`
    /// is given, X's rate limits unless told otherwise, the system clock unless one is injected.
    public static func configuration(
        clock: any EmulatorClock = SystemClock(),
        rateLimits: RateLimitPolicy = .x,
        tokenLifetime: Duration = .seconds(7200),
        clientSecret: String? = nil,
        additionalAccounts: [EmulatorAccount] = []
    ) -> EmulatorConfiguration {
        EmulatorConfiguration(
            account: EmulatorAccount(
                id: Credentials.accountID, username: Credentials.accountUsername, name: Credentials.accountName,
                accessToken: Credentials.accessToken, accessTokenSecret: Credentials.accessTokenSecret,
                refreshToken: Credentials.refreshToken),
            additionalAccounts: additionalAccounts,
            consumerKey: Credentials.consumerKey, consumerSecret: Credentials.consumerSecret,
            clientID: Credentials.clientID, clientSecret: clientSecret,
            accessTokenLifetime: tokenLifetime, rateLimits: rateLimits, clock: clock)
    }

    /// Starts an emulator on a free port of 127.0.0.1 and returns once it listens.
    public static func start(configuration: EmulatorConfiguration = TestEmulator.configuration(), seed: EmulatorSeed? = nil) async throws -> TestEmulator {
        var logger = Logger(label: "x-emulator.test")
        logger.logLevel = .warning
        let emulator = XEmulator(configuration: configuration, logger: logger)
        if let seed { try emulator.store.load(seed: seed) }
        return TestEmulator(emulator: emulator, running: try await emulator.start(host: "127.0.0.1", port: 0))
    }

    /// Stops serving; the port is closed when this returns.
    public func stop() async {
        await running.stop()
    }

    // MARK: Control helpers (in-process)

    /// Adds a user (a customer who will write to the account).
    @discardableResult
    public func addUser(id: String? = nil, name: String, username: String) throws -> EmulatorUser {
        try store.addUser(id: id, name: name, username: username)
    }

    /// Posts a DM from `from` to `to` (default: the account), created at `createdAt` (default now).
    @discardableResult
    public func postDM(from: String, to: String? = nil, text: String, attachments: [DMAttachment] = [], createdAt: Date? = nil) throws -> PostedDirectMessage {
        try store.postDM(from: from, to: to ?? configuration.account.id, text: text, attachments: attachments, createdAt: createdAt)
    }

    /// `count` DMs from `senders` generated customers to `to` (default: the account).
    @discardableResult
    public func bulk(count: Int, senders: Int, to: String? = nil) throws -> BulkResult {
        try store.bulk(count: count, senders: senders, to: to ?? configuration.account.id)
    }

    /// DMs `account` (default: the account) sent through the API, oldest first.
    public func sent(account: String? = nil) -> [SentDirectMessage] {
        store.sent(account: account)
    }

    /// Request counts since start or the last reset.
    public func stats() -> EmulatorStats {
        store.stats()
    }

    /// Makes the next `fault.count` matching requests fail as `fault` says.
    public func fault(_ fault: EmulatorFault) throws {
        try store.addFault(fault)
    }

    /// Drops the pending faults (DMs, stats and tokens stay).
    public func clearFaults() {
        store.clearFaults()
    }

    /// Clears DMs, sent, stats, faults, nonces and rate-limit windows (see `ResetOptions`).
    public func reset(_ options: ResetOptions = ResetOptions()) {
        store.reset(options)
    }
}

/// Runs `body` with a started emulator and always stops it afterwards.
public func withTestEmulator<T: Sendable>(
    configuration: EmulatorConfiguration = TestEmulator.configuration(),
    seed: EmulatorSeed? = nil,
    _ body: (TestEmulator) async throws -> T
) async throws -> T {
    let emulator = try await TestEmulator.start(configuration: configuration, seed: seed)
    do {
        let value = try await body(emulator)
        await emulator.stop()
        return value
    } catch {
        await emulator.stop()
        throw error
    }
}
