import CurlHTTP
import Foundation
import Testing

@testable import XAPI

@Suite("OAuth 2.0 token endpoint")
struct OAuth2ClientTests {
    static func client(_ transport: CannedTransport, secret: String? = nil) -> OAuth2Client {
        OAuth2Client(clientId: "client-id", clientSecret: secret, tokenURL: "https://api.x.test/2/oauth2/token", transport: transport, clock: { UnitClients.now })
    }

    @Test func publicClientRefreshesWithClientIdInTheForm() async throws {
        let transport = CannedTransport(status: 200, json: Fixtures.tokenResponse)
        let fresh = try await Self.client(transport).refresh(UnitClients.token())
        #expect(
            fresh
                == OAuth2Token(accessToken: "access-2", refreshToken: "refresh-2", expiresAt: UnitClients.now.addingTimeInterval(7200), scope: "dm.read dm.write tweet.read users.read offline.access"))
        let request = try #require(transport.requests.first)
        #expect(request.method == .post && request.path == "/2/oauth2/token")
        #expect(request.headers["content-type"] == "application/x-www-form-urlencoded")
        #expect(request.headers["authorization"] == nil)
        #expect(request.formFields == ["grant_type": "refresh_token", "refresh_token": "refresh-1", "client_id": "client-id"])
    }

    @Test func confidentialClientRefreshesWithHTTPBasic() async throws {
        let transport = CannedTransport(status: 200, json: Fixtures.tokenResponse)
        _ = try await Self.client(transport, secret: "s3cr3t").refresh(UnitClients.token())
        let request = try #require(transport.requests.first)
        #expect(request.headers["authorization"] == "Basic " + Data("client-id:s3cr3t".utf8).base64EncodedString())
        #expect(request.formFields == ["grant_type": "refresh_token", "refresh_token": "refresh-1"])
    }

    @Test func aMissingRefreshTokenInTheAnswerKeepsThePreviousOne() async throws {
        let transport = CannedTransport(status: 200, json: #"{"token_type":"bearer","access_token":"access-2"}"#)
        let fresh = try await Self.client(transport).refresh(UnitClients.token())
        #expect(fresh.refreshToken == "refresh-1")
        #expect(fresh.expiresAt == UnitClients.now.addingTimeInterval(7200))
    }

    @Test func refusedRefreshesAreRefreshRejected() async throws {
        let invalid = await #expect(throws: XAPIError.self) {
            try await Self.client(CannedTransport(status: 400, json: Fixtures.refreshRefused)).refresh(UnitClients.token())
        }
        #expect(invalid == .refreshRejected(error: "invalid_request", detail: "Value passed for the token was invalid."))
        let grant = await #expect(throws: XAPIError.self) {
            try await Self.client(CannedTransport(status: 400, json: #"{"error":"invalid_grant"}"#)).refresh(UnitClients.token())
        }
        #expect(grant == .refreshRejected(error: "invalid_grant", detail: nil))
        await #expect(throws: XAPIError.refreshRejected(error: "no_refresh_token", detail: "the token pair has no refresh token (offline.access was not granted)")) {
            try await Self.client(.unreachable).refresh(UnitClients.token(refresh: nil))
        }
    }

    @Test func otherTokenEndpointFailuresKeepTheirKind() async throws {
        await #expect(throws: XAPIError.unauthorized(operation: .refreshToken, detail: "Client authentication failed")) {
            try await Self.client(CannedTransport(status: 401, json: #"{"error":"invalid_client","error_description":"Client authentication failed"}"#), secret: "x").refresh(UnitClients.token())
        }
        await #expect(throws: XAPIError.transient(operation: .refreshToken, cause: .httpStatus(503), rateLimit: nil)) {
            try await Self.client(CannedTransport(status: 503, json: "")).refresh(UnitClients.token())
        }
        await #expect(throws: XAPIError.decoding(operation: .refreshToken, field: "access_token", reason: "required field is missing")) {
            try await Self.client(CannedTransport(status: 200, json: #"{"token_type":"bearer"}"#)).refresh(UnitClients.token())
        }
    }

    @Test func codeExchangeSendsTheVerifierAndRedirect() async throws {
        let transport = CannedTransport(status: 200, json: Fixtures.tokenResponse)
        let pkce = try PKCE(verifier: "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")
        let token = try await Self.client(transport).exchange(code: "the-code", pkce: pkce, redirectURI: "http://127.0.0.1:8765/cb")
        #expect(token.accessToken == "access-2" && token.refreshToken == "refresh-2")
        #expect(
            transport.requests.first?.formFields == [
                "grant_type": "authorization_code", "code": "the-code", "redirect_uri": "http://127.0.0.1:8765/cb",
                "code_verifier": "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk", "client_id": "client-id",
            ])
    }
}

@Suite("OAuth 2.0 user token on API calls")
struct OAuth2CallTests {
    /// Answers the token endpoint with `Fixtures.tokenResponse` and API calls with `api`.
    static func transport(api: @escaping @Sendable (HTTPRequest) -> HTTPResponse) -> CannedTransport {
        CannedTransport { request, _ in
            request.path == "/2/oauth2/token" ? CannedTransport.response(status: 200, json: Fixtures.tokenResponse) : api(request)
        }
    }

    @Test func aValidTokenIsSentAsBearerWithoutRefreshing() async throws {
        let transport = Self.transport { _ in CannedTransport.response(status: 200, json: Fixtures.v2User) }
        let store = InMemoryOAuth2TokenStore(token: UnitClients.token(), clock: { UnitClients.now })
        _ = try await UnitClients.v2OAuth2(transport, store: store).me()
        #expect(transport.requests.map(\.path) == ["/2/users/me"])
        #expect(transport.requests.first?.headers["authorization"] == "Bearer access-1")
    }

    @Test func aTokenExpiringWithinTheMarginIsRefreshedFirstAndStored() async throws {
        let transport = Self.transport { _ in CannedTransport.response(status: 200, json: Fixtures.v2User) }
        let store = InMemoryOAuth2TokenStore(token: UnitClients.token(expiresIn: 30), clock: { UnitClients.now })
        _ = try await UnitClients.v2OAuth2(transport, store: store).me()
        #expect(transport.requests.map(\.path) == ["/2/oauth2/token", "/2/users/me"])
        #expect(transport.requests.last?.headers["authorization"] == "Bearer access-2")
        #expect(await store.current.refreshToken == "refresh-2")
    }

    @Test func a401RefreshesOnceAndRetriesOnce() async throws {
        let transport = Self.transport { request in
            request.headers["authorization"] == "Bearer access-1"
                ? CannedTransport.response(status: 401, json: #"{"title":"Unauthorized","type":"about:blank","status":401,"detail":"Unauthorized"}"#)
                : CannedTransport.response(status: 200, json: Fixtures.v2User)
        }
        let store = InMemoryOAuth2TokenStore(token: UnitClients.token(), clock: { UnitClients.now })
        let user = try await UnitClients.v2OAuth2(transport, store: store).me()
        #expect(user.value.username == "janedoe")
        #expect(transport.requests.map(\.path) == ["/2/users/me", "/2/oauth2/token", "/2/users/me"])
        #expect(await store.current.accessToken == "access-2")
    }

    @Test func aSecond401IsUnauthorized() async throws {
        let transport = Self.transport { _ in CannedTransport.response(status: 401, json: #"{"title":"Unauthorized","detail":"Unauthorized","type":"about:blank","status":401}"#) }
        let store = InMemoryOAuth2TokenStore(token: UnitClients.token(), clock: { UnitClients.now })
        await #expect(throws: XAPIError.unauthorized(operation: .me, detail: "Unauthorized")) {
            try await UnitClients.v2OAuth2(transport, store: store).me()
        }
        #expect(transport.requests.map(\.path) == ["/2/users/me", "/2/oauth2/token", "/2/users/me"])
    }

    @Test func aRefusedRefreshAfter401IsRefreshRejected() async throws {
        let transport = CannedTransport { request, _ in
            request.path == "/2/oauth2/token"
                ? CannedTransport.response(status: 400, json: Fixtures.refreshRefused)
                : CannedTransport.response(status: 401, json: "")
        }
        let store = InMemoryOAuth2TokenStore(token: UnitClients.token(), clock: { UnitClients.now })
        let error = await #expect(throws: XAPIError.self) { try await UnitClients.v2OAuth2(transport, store: store).sendDM(to: "42", text: "hi") }
        #expect(error == .refreshRejected(error: "invalid_request", detail: "Value passed for the token was invalid."))
        #expect(await store.current.accessToken == "access-1")
    }

    @Test func confidentialClientsRefreshWithBasicThroughTheClient() async throws {
        let transport = Self.transport { _ in CannedTransport.response(status: 200, json: Fixtures.v2User) }
        let store = InMemoryOAuth2TokenStore(token: UnitClients.token(expiresIn: -1), clock: { UnitClients.now })
        _ = try await UnitClients.v2OAuth2(transport, store: store, clientSecret: "s3cr3t").me()
        #expect(transport.requests.first?.headers["authorization"]?.hasPrefix("Basic ") == true)
        #expect(transport.requests.first?.formFields["client_id"] == nil)
    }
}
