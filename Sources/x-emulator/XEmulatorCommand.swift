// x-emulator: runs the X API emulator as its own process (the local run, compose's test profile,
// benchmarks, tests that need X in another process). Every flag may also come from an environment
// variable X_EMULATOR_<FLAG> (e.g. --consumer-key from X_EMULATOR_CONSUMER_KEY); a flag wins.

import ArgumentParser
import Foundation
import Logging
import XEmulator

@main
struct XEmulatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "x-emulator",
        abstract: "An in-memory X (Twitter) API for tests and local runs: v2 and v1.1 DMs, users, OAuth 1.0a and 2.0, rate limits.",
        discussion: """
            Every option can also be set with X_EMULATOR_<NAME> (upper case, dashes as underscores), \
            e.g. X_EMULATOR_PORT=8080. The credentials have test defaults; the line printed at start \
            shows the defaults and masks any credential given to it. Control API: http://HOST:PORT/_emulator/ (health, users, \
            dms, dms/bulk, sent, stats, faults, reset, webhooks/deliveries, webhooks/crc, webhooks/pause, \
            webhooks/resume, stream/connections, stream/drop, stream/stall).
            """)

    @Option(help: "Address to listen on.") var host: String?
    @Option(help: "Port to listen on (0: any free port).") var port: Int?
    @Option(help: "User id of the account served.") var accountId: String?
    @Option(help: "Handle of the account served.") var accountUsername: String?
    @Option(help: "Display name of the account served.") var accountName: String?
    @Option(help: "OAuth 1.0a consumer key accepted.") var consumerKey: String?
    @Option(help: "OAuth 1.0a consumer secret accepted.") var consumerSecret: String?
    @Option(help: "OAuth 1.0a access token of the account.") var accessToken: String?
    @Option(help: "OAuth 1.0a access token secret of the account.") var accessTokenSecret: String?
    @Option(help: "OAuth 2.0 client id.") var clientId: String?
    @Option(help: "OAuth 2.0 client secret (absent: a public client).") var clientSecret: String?
    @Option(help: "OAuth 2.0 refresh token accepted first (it rotates on use).") var refreshToken: String?
    @Option(help: "Lifetime of issued access tokens, in seconds.") var tokenLifetime: Int?
    @Option(help: "Enforce rate limits: on or off (off: the headers report a million calls left, so clients never pace).") var rateLimits: String?
    @Option(
        name: .customLong("rate-limit"),
        help: "Override a family's windows: FAMILY=LIMIT/SECONDS[,LIMIT/SECONDS]. Repeatable; the environment variable separates entries with ';'.")
    var rateLimitOverrides: [String] = []
    @Option(name: .customLong("redirect-uri"), help: "Redirect URI the authorization step accepts (repeatable; none: any http(s) URI).")
    var redirectURIs: [String] = []
    @Option(help: "Seed file of users and conversations (JSON; see EmulatorSeed).") var seed: String?
    @Option(
        help:
            "JSON file of further accounts served, each with its own credentials, DMs and rate-limit budgets: [{id, username, name?, accessToken?, accessTokenSecret?, refreshToken?}] (see EmulatorAccountsFile)."
    )
    var accounts: String?
    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.") var logLevel: String?
    @Flag(help: "Also accept http:// webhook URLs with a port (a receiver on the loopback in tests); X takes https only, no port.")
    var allowInsecureWebhooks = false
    @Option(help: "Seconds X waits for a webhook's answer, CRC or delivery (default 3; fractions allowed).") var webhookTimeout: String?
    @Option(help: "Seconds before each retry of a delivery that got no 2xx, comma-separated (default 20,80,200).") var webhookRetryDelays: String?
    @Option(help: "Seconds of the emulator's clock between two CRC checks of a webhook (default 3600).") var crcInterval: String?
    @Option(help: "Webhooks the app may register (default 1).") var maxWebhooks: Int?
    @Option(help: "Seconds between keep-alives on an idle activity stream (default 20).") var streamKeepAlive: String?
    @Option(help: "Activity stream connections the app may hold at once (default 1).") var maxStreamConnections: Int?

    func run() async throws {
        let settings = Settings()
        let level = try settings.value("log-level", logLevel, default: "warning") { Logger.Level(rawValue: $0) }
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let host = settings.string("host", host, default: "127.0.0.1")
        let port = try settings.value("port", port.map(String.init), default: "8080") { Int($0).flatMap { (0...65535).contains($0) ? $0 : nil } }
        let account = EmulatorAccount(
            id: settings.string("account-id", accountId, default: "1234"),
            username: settings.string("account-username", accountUsername, default: "kiamo_support"),
            name: settings.string("account-name", accountName, default: "Kiamo Support"),
            accessToken: settings.string("access-token", accessToken, default: "1234-emulator-access-token"),
            accessTokenSecret: settings.string("access-token-secret", accessTokenSecret, default: "emulator-access-token-secret"),
            refreshToken: settings.string("refresh-token", refreshToken, default: "emulator-refresh-token"))
        let lifetime = try settings.value("token-lifetime", tokenLifetime.map(String.init), default: "7200") { Int($0).flatMap { $0 > 0 ? $0 : nil } }
        let enforced = try settings.value("rate-limits", rateLimits, default: "on") { ["on": true, "off": false][$0] }
        var policy = RateLimitPolicy(enforced: enforced)
        let overrides =
            rateLimitOverrides.isEmpty
            ? (settings.optional("rate-limit", nil)?.split(separator: ";").map(String.init) ?? [])
            : rateLimitOverrides
        for entry in overrides {
            let (family, windows) = try Self.parseRateLimit(entry)
            policy.windows[family] = windows
        }
        let redirects =
            redirectURIs.isEmpty
            ? (settings.optional("redirect-uri", nil)?.split(separator: " ").map(String.init) ?? [])
            : redirectURIs
        try Self.validate(account)
        var additional: [EmulatorAccount] = []
        if let path = settings.optional("accounts", accounts) {
            do {
                additional = try EmulatorAccountsFile.load(contentsOf: URL(fileURLWithPath: path), besides: account)
            } catch {
                throw ValidationError("--accounts \(path): \(error)")
            }
        }
        let seconds: (String) -> Duration? = { text in
            Double(text).flatMap { $0 > 0 && $0 <= 86_400 ? Duration.milliseconds(Int64(($0 * 1000).rounded())) : nil }
        }
        let insecure = try allowInsecureWebhooks || settings.value("allow-insecure-webhooks", nil, default: "false") { ["true": true, "false": false, "1": true, "0": false][$0] }
        let timeout = try settings.value("webhook-timeout", webhookTimeout, default: "3", seconds)
        let retries = try settings.value("webhook-retry-delays", webhookRetryDelays, default: "20,80,200") { text -> [Duration]? in
            if text.isEmpty { return [] }
            let delays = text.split(separator: ",", omittingEmptySubsequences: false).map { seconds(String($0)) }
            return delays.contains(where: { $0 == nil }) ? nil : delays.compactMap { $0 }
        }
        let crc = try settings.value("crc-interval", crcInterval, default: "3600", seconds)
        let webhookLimit = try settings.value("max-webhooks", maxWebhooks.map(String.init), default: "1") { Int($0).flatMap { $0 > 0 ? $0 : nil } }
        let keepAlive = try settings.value("stream-keep-alive", streamKeepAlive, default: "20", seconds)
        let streamLimit = try settings.value("max-stream-connections", maxStreamConnections.map(String.init), default: "1") {
            Int($0).flatMap { $0 > 0 ? $0 : nil }
        }
        let configuration = EmulatorConfiguration(
            account: account,
            additionalAccounts: additional,
            consumerKey: settings.string("consumer-key", consumerKey, default: "emulator-consumer-key"),
            consumerSecret: settings.string("consumer-secret", consumerSecret, default: "emulator-consumer-secret"),
            clientID: settings.string("client-id", clientId, default: "emulator-client-id"),
            clientSecret: settings.optional("client-secret", clientSecret),
            redirectURIs: redirects,
            accessTokenLifetime: .seconds(lifetime),
            rateLimits: policy,
            allowInsecureWebhooks: insecure,
            webhookTimeout: timeout,
            webhookRetryDelays: retries,
            crcInterval: crc,
            maxWebhooks: webhookLimit,
            streamKeepAlive: keepAlive,
            maxStreamConnections: streamLimit)

        var logger = Logger(label: "x-emulator")
        logger.logLevel = level
        let emulator = XEmulator(configuration: configuration, logger: logger)
        let seedPath = settings.optional("seed", seed)
        if let seedPath {
            do {
                try emulator.store.load(seed: try EmulatorSeed.load(contentsOf: URL(fileURLWithPath: seedPath)))
            } catch {
                throw ValidationError("--seed \(seedPath): \(error)")
            }
        }
        try await emulator.runUntilSignal(host: host, port: port) { bound in
            let line = Self.banner(configuration, url: "http://\(host):\(bound)", seed: seedPath)
            FileHandle.standardOutput.write(Data((line + "\n").utf8))
        }
    }

    /// The built-in test credentials, printed as they are: they are in this file and the README,
    /// and a developer copies them into a client.
    static let builtInCredentials: Set<String> = [
        "emulator-consumer-key", "emulator-consumer-secret", "1234-emulator-access-token", "emulator-access-token-secret",
        "emulator-refresh-token", "emulator-client-id",
    ]

    /// A credential for the start-up line: a built-in test value as it is; anything given through
    /// an option, a variable or a `_FILE` (compose's test profile passes real secret files) as
    /// `****`, so the emulator never prints a secret it was given.
    static func shown(_ value: String?, absent: String = "-") -> String {
        guard let value else { return absent }
        return builtInCredentials.contains(value) ? value : "**** (given, not printed)"
    }

    /// The start-up line: where it listens and what it accepts (credentials given to it masked).
    static func banner(_ configuration: EmulatorConfiguration, url: String, seed: String?) -> String {
        let account = configuration.account
        let more = configuration.additionalAccounts.isEmpty ? "" : " and \(configuration.additionalAccounts.count) more"
        return "x-emulator listening on \(url) | account \(account.id) @\(account.username)\(more)"
            + " | accepts: consumer key \(shown(configuration.consumerKey)),"
            + " consumer secret \(shown(configuration.consumerSecret)), access token \(shown(account.accessToken)),"
            + " access token secret \(shown(account.accessTokenSecret)), client id \(configuration.clientID),"
            + " client secret \(shown(configuration.clientSecret, absent: "(none: public client)")), refresh token \(shown(account.refreshToken))"
            + " | token lifetime \(configuration.accessTokenLifetime.components.seconds)s"
            + " | rate limits \(configuration.rateLimits.enforced ? "on" : "off")"
            + (configuration.allowInsecureWebhooks ? " | insecure webhooks allowed" : "")
            + (seed.map { " | seed \($0)" } ?? "")
    }

    /// Refuses an account X could not have, before the server starts.
    static func validate(_ account: EmulatorAccount) throws {
        guard (1...19).contains(account.id.count), account.id.allSatisfy(\.isASCII), UInt64(account.id) != nil else {
            throw ValidationError("--account-id \(account.id) is not 1 to 19 digits")
        }
        let handle = account.username.unicodeScalars
        guard (1...15).contains(handle.count), handle.allSatisfy({ $0 == "_" || ($0.isASCII && $0.properties.isAlphabetic) || ("0"..."9").contains($0) }) else {
            throw ValidationError("--account-username \(account.username) is not 1 to 15 of A-Z a-z 0-9 _")
        }
    }

    /// `dm-read=300/900` or `dm-send=200/900,1000/86400`.
    static func parseRateLimit(_ entry: String) throws -> (EndpointFamily, [RateLimitPolicy.Window]) {
        let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
        guard parts.count == 2, let family = EndpointFamily(rawValue: parts[0]) else {
            throw ValidationError("--rate-limit \(entry): expected FAMILY=LIMIT/SECONDS with FAMILY one of \(EndpointFamily.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let windows = try parts[1].split(separator: ",").map { window -> RateLimitPolicy.Window in
            let numbers = window.split(separator: "/").compactMap { Int($0) }
            guard numbers.count == 2, numbers[0] > 0, numbers[1] > 0 else {
                throw ValidationError("--rate-limit \(entry): window \(window) is not LIMIT/SECONDS with positive numbers")
            }
            return RateLimitPolicy.Window(limit: numbers[0], seconds: numbers[1])
        }
        guard !windows.isEmpty else { throw ValidationError("--rate-limit \(entry): no window given") }
        return (family, windows)
    }
}
