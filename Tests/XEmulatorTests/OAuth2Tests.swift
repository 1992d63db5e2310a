import Foundation
import Testing

@testable import XEmulator

@Suite("OAuth 2.0")
struct OAuth2Tests {
    @Test func bearerTokensExpireAfterTheirLifetime() async throws {
        let harness = try EmulatorHarness(tokenLifetime: .seconds(5))
        try await harness.run { client in
            let refresh = try await client.postForm("/2/oauth2/token", [("grant_type", "refresh_token"), ("refresh_token", EmulatorHarness.refreshToken), ("client_id", EmulatorHarness.clientID)])
            #expect(refresh.json["token_type"] as? String == "bearer")
            #expect(refresh.json["expires_in"] as? Int == 5)
            #expect((refresh.json["scope"] as? String)?.contains("dm.read") == true)
            let token = try #require(refresh.json["access_token"] as? String)
            #expect(try await client.get("/2/users/me", auth: .bearer(token)).status == 200)
            harness.clock.advance(by: 5)
            let expired = try await client.get("/2/users/me", auth: .bearer(token))
            #expect(expired.status == 401)
            #expect(expired.text == #"{"title":"Unauthorized","detail":"Unauthorized","type":"about:blank","status":401}"#)
            #expect(try await client.get("/2/users/me", auth: .bearer("never-issued")).status == 401)
        }
    }

    @Test func everyRefreshRotatesAndAUsedRefreshTokenIsRefused() async throws {
        let harness = try EmulatorHarness()
        try await harness.run { client in
            let first = try await client.bearer()
            #expect(first.refresh != EmulatorHarness.refreshToken)
            let reused = try await client.postForm("/2/oauth2/token", [("grant_type", "refresh_token"), ("refresh_token", EmulatorHarness.refreshToken), ("client_id", EmulatorHarness.clientID)])
            #expect(reused.status == 400)
            #expect(reused.text == #"{"error":"invalid_request","error_description":"Value passed for the token was invalid."}"#)
            let second = try await client.bearer(refreshToken: first.refresh)
            #expect(second.access != first.access)
            #expect(harness.store.stats().tokenRefreshes == 2)
            #expect(harness.store.stats().tokensIssued == 2)
        }
    }

    @Test func aConfidentialClientMustAuthenticateWithBasic() async throws {
        let harness = try EmulatorHarness(clientSecret: "s3cret")
        try await harness.run { client in
            let form = [("grant_type", "refresh_token"), ("refresh_token", EmulatorHarness.refreshToken)]
            let missing = try await client.postForm("/2/oauth2/token", form)
            #expect(missing.status == 401 && missing.text.contains("unauthorized_client"))
            let wrong = Data("\(EmulatorHarness.clientID):nope".utf8).base64EncodedString()
            #expect(try await client.postForm("/2/oauth2/token", form, extraHeaders: [("authorization", "Basic \(wrong)")]).status == 401)
            let right = Data("\(EmulatorHarness.clientID):s3cret".utf8).base64EncodedString()
            #expect(try await client.postForm("/2/oauth2/token", form, extraHeaders: [("authorization", "Basic \(right)")]).status == 200)
        }
    }

    @Test func authorizationCodeWithPKCEIssuesTokensAndRefusesAWrongVerifier() async throws {
        let harness = try EmulatorHarness()
        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
        let challenge = PKCE.s256(verifier)
        #expect(challenge == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM") // RFC 7636, appendix B
        try await harness.run { client in
            func authorize() async throws -> String {
                let query =
                    "response_type=code&client_id=\(EmulatorHarness.clientID)&redirect_uri=http%3A%2F%2F127.0.0.1%3A9%2Fcallback&scope=dm.read%20dm.write%20tweet.read%20users.read%20offline.access&state=xyz&code_challenge=\(challenge)&code_challenge_method=S256"
                let reply = try await client.get("/i/oauth2/authorize?\(query)", auth: .none)
                #expect(reply.status == 302)
                let location = try #require(reply.header("location").flatMap(URLComponents.init(string:)))
                #expect(location.path == "/callback")
                #expect(location.queryItems?.first { $0.name == "state" }?.value == "xyz")
                return try #require(location.queryItems?.first { $0.name == "code" }?.value)
            }
            func exchange(_ code: String, verifier: String) async throws -> HarnessClient.Reply {
                try await client.postForm(
                    "/2/oauth2/token",
                    [
                        ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", "http://127.0.0.1:9/callback"),
                        ("code_verifier", verifier), ("client_id", EmulatorHarness.clientID),
                    ])
            }
            let wrong = try await exchange(try await authorize(), verifier: String(repeating: "a", count: 43))
            #expect(wrong.status == 400 && wrong.json["error"] as? String == "invalid_request")
            let code = try await authorize()
            let good = try await exchange(code, verifier: verifier)
            #expect(good.status == 200)
            let token = try #require(good.json["access_token"] as? String)
            #expect(good.json["refresh_token"] is String)
            #expect(try await client.get("/2/users/me", auth: .bearer(token)).status == 200)
            #expect(try await exchange(code, verifier: verifier).status == 400) // codes are single-use
            #expect(try await client.get("/i/oauth2/authorize?response_type=code&client_id=other", auth: .none).status == 400)
        }
    }

    @Test func aTokenWithoutDMScopesIsForbiddenOnDMEndpoints() async throws {
        let harness = try EmulatorHarness()
        let verifier = String(repeating: "v", count: 50)
        try await harness.run { client in
            let reply = try await client.get(
                "/i/oauth2/authorize?response_type=code&client_id=\(EmulatorHarness.clientID)&redirect_uri=https%3A%2F%2Fexample.com%2Fcb&scope=tweet.read%20users.read&state=s&code_challenge=\(verifier)&code_challenge_method=plain",
                auth: .none)
            let code = try #require(reply.header("location").flatMap(URLComponents.init(string:))?.queryItems?.first { $0.name == "code" }?.value)
            let tokens = try await client.postForm(
                "/2/oauth2/token",
                [("grant_type", "authorization_code"), ("code", code), ("redirect_uri", "https://example.com/cb"), ("code_verifier", verifier), ("client_id", EmulatorHarness.clientID)])
            let token = try #require(tokens.json["access_token"] as? String)
            #expect(tokens.json["refresh_token"] == nil) // no offline.access, no refresh token
            #expect(try await client.get("/2/users/me", auth: .bearer(token)).status == 200)
            #expect(try await client.get("/2/dm_events", auth: .bearer(token)).status == 403)
        }
    }
}
