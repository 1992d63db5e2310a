import CurlHTTP
import Foundation
import Logging
import TestSupport
import XAPI
import XEmulator

/// An in-process emulator, a real CurlHTTP client and an X client of a `ClientSetup` pointed at it.
struct EmulatorRig: Sendable {
    let emulator: TestEmulator
    let http: HTTPClient
    let client: XAPIClient
    /// The OAuth 2.0 token store, for the OAuth 2.0 setups.
    let tokenStore: InMemoryOAuth2TokenStore?

    /// The emulator's account (the client's `me`).
    static let accountID = TestEmulator.Credentials.accountID

    static let oauth1 = OAuth1Credentials(
        consumerKey: TestEmulator.Credentials.consumerKey, consumerSecret: TestEmulator.Credentials.consumerSecret,
        oauthToken: TestEmulator.Credentials.accessToken, oauthTokenSecret: TestEmulator.Credentials.accessTokenSecret
    )

    /// The pair a deployment starts from: only the refresh token the emulator issued, so the first
    /// call refreshes.
    static let initialToken = OAuth2Token(accessToken: "not-issued-yet", refreshToken: TestEmulator.Credentials.refreshToken, expiresAt: .distantPast)

    /// Runs `body` with a started rig and always stops the emulator and the HTTP client afterwards.
    static func with<T: Sendable>(
        _ setup: ClientSetup,
        rateLimits: RateLimitPolicy = .x,
        clock: ManualClock? = nil,
        timeout: Duration = .seconds(10),
        token: OAuth2Token = EmulatorRig.initialToken,
        _ body: (EmulatorRig) async throws -> T
    ) async throws -> T {
        let emulatorClock: any EmulatorClock = clock ?? SystemClock()
        let configuration = TestEmulator.configuration(clock: emulatorClock, rateLimits: rateLimits, clientSecret: setup.clientSecret)
        let emulator = try await TestEmulator.start(configuration: configuration)
        let http = try LoopbackClients.http()
        let now: @Sendable () -> Date
        if let clock {
            now = { clock.now() }
        } else {
            now = { Date() }
        }
        let tokenStore = setup.usesOAuth2 ? InMemoryOAuth2TokenStore(token: token, clock: now) : nil
        let credentials: XCredentials
        if let tokenStore {
            credentials = .oauth2(OAuth2Credentials(clientId: TestEmulator.Credentials.clientID, clientSecret: setup.clientSecret, tokenStore: tokenStore))
        } else {
            credentials = .oauth1(oauth1)
        }
        let version: XAPIVersion = setup.isV1 ? .v1_1 : .v2
        let client = try LoopbackClients.x(baseURL: emulator.baseURL, version: version, credentials: credentials, http: http, timeout: timeout, clock: now)
        let rig = EmulatorRig(emulator: emulator, http: http, client: client, tokenStore: tokenStore)
        do {
            let value = try await body(rig)
            await rig.stop()
            return value
        } catch {
            await rig.stop()
            throw error
        }
    }

    /// A client of another configuration on the same emulator and HTTP client.
    func client(version: XAPIVersion = .v2, credentials: XCredentials, timeout: Duration = .seconds(10)) throws -> XAPIClient {
        try LoopbackClients.x(baseURL: emulator.baseURL, version: version, credentials: credentials, http: http, timeout: timeout)
    }

    func stop() async {
        http.shutdown()
        await emulator.stop()
    }
}
