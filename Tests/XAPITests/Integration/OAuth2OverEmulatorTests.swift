import CurlHTTP
import Foundation
import TestSupport
import Testing
import XEmulator

@testable import XAPI

@Suite("OAuth 2.0 against the emulator")
struct OAuth2OverEmulatorTests {
    @Test(arguments: [ClientSetup.v2OAuth2Public, .v2OAuth2Confidential])
    func anExpiredTokenIsRefreshedOnceAndTheRotatedPairKept(_ setup: ClientSetup) async throws {
        try await EmulatorRig.with(setup) { rig in
            let store = try #require(rig.tokenStore)
            _ = try await rig.client.me()
            _ = try await rig.client.listDMEvents(pageToken: nil, maxResults: 10)
            #expect(rig.emulator.stats().tokenRefreshes == 1)
            let kept = await store.current
            #expect(kept.refreshToken != TestEmulator.Credentials.refreshToken)
            #expect(kept.expiresAt > Date().addingTimeInterval(7000))
        }
    }

    /// X revokes the access token before its expiry: the 401 triggers one refresh and one retry,
    /// and the caller sees only the success.
    @Test(arguments: [ClientSetup.v2OAuth2Public, .v2OAuth2Confidential])
    func a401RefreshesOnceAndRetriesOnce(_ setup: ClientSetup) async throws {
        try await EmulatorRig.with(setup) { rig in
            let store = try #require(rig.tokenStore)
            _ = try await rig.client.me()
            let before = await store.current
            rig.emulator.store.expireAccessTokens()

            let me = try await rig.client.me()
            #expect(me.value.id == EmulatorRig.accountID)
            let stats = rig.emulator.stats()
            #expect(stats.tokenRefreshes == 2)
            #expect(stats.count("GET /2/users/me", status: 401) == 1)
            #expect(stats.count("GET /2/users/me", status: 200) == 2)
            #expect(await store.current.accessToken != before.accessToken)
        }
    }

    /// Another process rotated the pair first: X refuses the stale refresh token, and the client
    /// says so with the typed error the state module recognises.
    @Test func aRefreshTokenAlreadyUsedIsRefreshRejected() async throws {
        try await EmulatorRig.with(.v2OAuth2Public) { rig in
            let sibling = OAuth2Client(clientId: TestEmulator.Credentials.clientID, tokenURL: rig.emulator.baseURL + "/2/oauth2/token", transport: rig.http)
            _ = try await sibling.refresh(EmulatorRig.initialToken)
            let error = await #expect(throws: XAPIError.self) { try await rig.client.listDMEvents(pageToken: nil, maxResults: 10) }
            #expect(error == .refreshRejected(error: "invalid_request", detail: "Value passed for the token was invalid."))
            #expect(error?.isRetryable == false)
        }
    }

    /// The command-line login: authorize URL with an S256 challenge, X's redirect with the code,
    /// the code exchanged with the verifier, and the first pair used for a call.
    @Test func theAuthorizationCodeFlowWithPKCEGivesAWorkingPair() async throws {
        try await EmulatorRig.with(.v2OAuth2Public) { rig in
            let oauth = OAuth2Client(clientId: TestEmulator.Credentials.clientID, tokenURL: rig.emulator.baseURL + "/2/oauth2/token", transport: rig.http)
            let pkce = PKCE.generate()
            let redirect = "http://127.0.0.1:9/callback"
            let url = oauth.authorizeURL(redirectURI: redirect, state: "state 42", pkce: pkce, authorizeURL: rig.emulator.baseURL + "/i/oauth2/authorize")
            let consent = try await rig.http.execute(HTTPRequest(url: url))
            #expect(consent.status == 302)
            let location = try #require(consent.headers["location"])
            #expect(location.hasPrefix(redirect + "?"))
            let query = try #require(PercentEncoding.parseForm(String(location.split(separator: "?", maxSplits: 1)[1])))
            let fields = Dictionary(query.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
            #expect(fields["state"] == "state 42")
            let code = try #require(fields["code"])

            await #expect(throws: XAPIError.self) { try await oauth.exchange(code: code, pkce: PKCE.generate(), redirectURI: redirect) }
            let consent2 = try await rig.http.execute(HTTPRequest(url: url))
            let code2 = try #require(consent2.headers["location"].flatMap { PercentEncoding.parseForm(String($0.split(separator: "?", maxSplits: 1)[1])) }?.first { $0.name == "code" }?.value)
            let token = try await oauth.exchange(code: code2, pkce: pkce, redirectURI: redirect)
            #expect(token.refreshToken != nil)
            #expect(token.scope?.contains("dm.write") == true)

            let store = InMemoryOAuth2TokenStore(token: token)
            let client = try rig.client(credentials: .oauth2(OAuth2Credentials(clientId: TestEmulator.Credentials.clientID, tokenStore: store)))
            #expect(try await client.me().value.id == EmulatorRig.accountID)
            #expect(rig.emulator.stats().tokenRefreshes == 0)
        }
    }
}
