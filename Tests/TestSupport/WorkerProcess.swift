import Foundation

/// The X account and credentials the worker tests use: the ones `TestEmulator` and
/// `EmulatorProcess` accept by default.
public struct TestAccount: Sendable {
    public var userId = TestEmulator.Credentials.accountID
    public var username = TestEmulator.Credentials.accountUsername
    public var consumerKey = TestEmulator.Credentials.consumerKey
    public var consumerSecret = TestEmulator.Credentials.consumerSecret
    public var accessToken = TestEmulator.Credentials.accessToken
    public var accessTokenSecret = TestEmulator.Credentials.accessTokenSecret
    public var clientId = TestEmulator.Credentials.clientID
    /// For emulators started as a confidential client (`--client-secret`); the default one is public.
    public var clientSecret = "test-client-secret"
    public var refreshToken = TestEmulator.Credentials.refreshToken

    public init() {}

    /// The worker's environment for this account with OAuth 1.0a.
    public var oauth1Environment: [String: String] {
        [
            "KIAMO_TWITTER_USER_ID": userId,
            "KIAMO_TWITTER_CONSUMER_KEY": consumerKey,
            "KIAMO_TWITTER_CONSUMER_SECRET": consumerSecret,
            "KIAMO_TWITTER_OAUTH_TOKEN": accessToken,
            "KIAMO_TWITTER_OAUTH_TOKEN_SECRET": accessTokenSecret,
        ]
    }

    /// The worker's environment for this account with OAuth 2.0: a public client, as the
    /// emulator's default configuration has it, or a confidential one.
    public func oauth2Environment(confidential: Bool = false) -> [String: String] {
        var environment = [
            "KIAMO_TWITTER_USER_ID": userId,
            "KIAMO_TWITTER_CLIENT_ID": clientId,
            "KIAMO_TWITTER_REFRESH_TOKEN": refreshToken,
        ]
        if confidential { environment["KIAMO_TWITTER_CLIENT_SECRET"] = clientSecret }
        return environment
    }
}

/// A worker executable (`kiamo-twitter-ingest`, `kiamo-twitter-dispatch`) run as its own OS
/// process against the test broker, an emulator and a state file, configured the way the README
/// documents: environment variables only.
public enum WorkerProcess {
    /// The environment shared by every worker of one test: broker, state file, X base URL, a
    /// private exchange name so tests never see each other's messages, metrics off.
    public static func environment(
        amqpURL: String,
        stateFile: String,
        apiBaseURL: String,
        exchange: String,
        account: TestAccount = TestAccount(),
        oauth2: Bool = false,
        confidentialClient: Bool = false,
        extra: [String: String] = [:]
    ) -> [String: String] {
        environment(
            amqpURL: amqpURL, stateURL: "sqlite://" + stateFile, apiBaseURL: apiBaseURL, exchange: exchange,
            account: account, oauth2: oauth2, confidentialClient: confidentialClient, extra: extra)
    }

    /// The same on any state store: a `sqlite://` file or a `postgres://` database.
    public static func environment(
        amqpURL: String,
        stateURL: String,
        apiBaseURL: String,
        exchange: String,
        account: TestAccount = TestAccount(),
        oauth2: Bool = false,
        confidentialClient: Bool = false,
        extra: [String: String] = [:]
    ) -> [String: String] {
        var environment = oauth2 ? account.oauth2Environment(confidential: confidentialClient) : account.oauth1Environment
        environment["KIAMO_TWITTER_AMQP_URL"] = amqpURL
        environment["KIAMO_TWITTER_STATE_URL"] = stateURL
        environment["KIAMO_TWITTER_API_BASE_URL"] = apiBaseURL
        environment["KIAMO_TWITTER_AMQP_EXCHANGE"] = exchange
        environment["KIAMO_TWITTER_HTTP_PORT"] = "0"
        environment["KIAMO_TWITTER_LOG_LEVEL"] = "debug"
        environment["KIAMO_TWITTER_CONFIG"] = ""
        return environment.merging(extra) { _, new in new }
    }

    /// Starts `executable` (a product name) and waits until it logs `readyLine`.
    public static func start(
        _ executable: String,
        name: String,
        environment: [String: String],
        readyLine: String,
        timeout: Duration = .seconds(30)
    ) async throws -> RunningProcess {
        let process = try await RunningProcess(name: name, executable: PackagePaths.executable(executable), environment: environment)
        _ = try await process.waitForLine(containing: readyLine, timeout: timeout)
        return process
    }

    /// A fresh state file path in a temporary folder.
    public static func temporaryStateFile() throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiamo-state-\(UUID().uuidString.prefix(8))", isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder.appendingPathComponent("state.db").path
    }
}
