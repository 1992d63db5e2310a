import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import XEmulator

/// An emulator with a manual clock, driven through HummingbirdTesting's router framework (no
/// sockets), with helpers to sign requests as the test account.
struct EmulatorHarness: Sendable {
    static let accountID = "1234"
    static let customerID = "906948460078698496"
    static let consumerKey = "test-consumer-key"
    static let consumerSecret = "test-consumer-secret"
    static let accessToken = "1234-test-access-token"
    static let accessTokenSecret = "test-access-token-secret"
    static let clientID = "test-client-id"
    static let refreshToken = "test-refresh-token"

    let clock: ManualClock
    let emulator: XEmulator
    var store: EmulatorStore { emulator.store }

    init(
        rateLimits: RateLimitPolicy = .x, tokenLifetime: Duration = .seconds(7200), clientSecret: String? = nil,
        additionalAccounts: [EmulatorAccount] = [], scopes: [String] = EmulatorAccount.defaultScopes
    ) throws {
        clock = ManualClock()
        let configuration = EmulatorConfiguration(
            account: EmulatorAccount(
                id: Self.accountID, username: "kiamo_support", name: "Kiamo Support",
                accessToken: Self.accessToken, accessTokenSecret: Self.accessTokenSecret, refreshToken: Self.refreshToken, scopes: scopes),
            additionalAccounts: additionalAccounts,
            consumerKey: Self.consumerKey, consumerSecret: Self.consumerSecret,
            clientID: Self.clientID, clientSecret: clientSecret,
            accessTokenLifetime: tokenLifetime, rateLimits: rateLimits, clock: clock)
        var logger = Logger(label: "x-emulator-test")
        logger.logLevel = .warning
        emulator = XEmulator(configuration: configuration, logger: logger)
        try emulator.store.addUser(id: Self.customerID, name: "Jane Doe", username: "janedoe")
    }

    var signer: TestOAuth1Signer {
        TestOAuth1Signer(consumerKey: Self.consumerKey, consumerSecret: Self.consumerSecret, token: Self.accessToken, tokenSecret: Self.accessTokenSecret)
    }

    /// Runs `body` against the router (no sockets).
    func run<T: Sendable>(_ body: @Sendable (HarnessClient) async throws -> T) async throws -> T {
        try await emulator.application().test(.router) { client in
            try await body(HarnessClient(client: client, harness: self))
        }
    }
}
