import Foundation
import Testing

@testable import XEmulator

@Suite("OAuth 1.0a verification")
struct OAuth1Tests {
    /// X's documented example (ARCHITECTURE.md, "X API facts").
    @Test func signsXsDocumentedExampleToItsPublishedSignature() {
        let parameters = [
            ("include_entities", "true"),
            ("status", "Hello Ladies + Gentlemen, a signed OAuth request!"),
            ("oauth_consumer_key", "xvz1evFS4wEEPTGEFPHBog"),
            ("oauth_nonce", "kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg"),
            ("oauth_signature_method", "HMAC-SHA1"),
            ("oauth_timestamp", "1318622958"),
            ("oauth_token", "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb"),
            ("oauth_version", "1.0"),
        ]
        let base = OAuth1Signature.baseString(
            method: "post", baseURI: OAuth1Signature.baseURI(scheme: "https", authority: "API.twitter.com:443", path: "/1.1/statuses/update.json"),
            parameters: parameters)
        #expect(base.hasPrefix("POST&https%3A%2F%2Fapi.twitter.com%2F1.1%2Fstatuses%2Fupdate.json&include_entities%3Dtrue%26oauth_consumer_key"))
        #expect(base.contains("status%3DHello%2520Ladies%2520%252B%2520Gentlemen%252C%2520a%2520signed%2520OAuth%2520request%2521"))
        let signature = OAuth1Signature.sign(
            baseString: base, consumerSecret: "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw", tokenSecret: "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE")
        #expect(signature == "hCtSmYh+iHYCEqBWrE7C7hYmtUk=")
        // The tests' own signer agrees, so the request-level tests below check the verifier against it.
        #expect(
            TestOAuth1Signer.signature(
                method: "POST", url: "https://api.twitter.com/1.1/statuses/update.json?include_entities=true",
                parameters: Array(parameters.dropFirst()), consumerSecret: "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw",
                tokenSecret: "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE") == "hCtSmYh+iHYCEqBWrE7C7hYmtUk=")
    }

    @Test func parsesAHeaderWithPercentEncodedValuesAndRefusesARepeatedParameter() throws {
        let header = try OAuth1Header.parse(
            #"OAuth realm="x", oauth_consumer_key="a%2Bb", oauth_nonce="n", oauth_signature="s%3D", oauth_signature_method="HMAC-SHA1", oauth_timestamp="1", oauth_token="t""#)
        #expect(header.consumerKey == "a+b")
        #expect(header.signature == "s=")
        #expect(!header.signedParameters.contains { $0.0 == "oauth_signature" || $0.0 == "realm" })
        #expect(throws: OAuth1Header.Failure.self) {
            try OAuth1Header.parse(#"OAuth oauth_token="a", oauth_token="b""#)
        }
    }

    @Test func acceptsASignedRequestWithQueryParameters() async throws {
        let harness = try EmulatorHarness()
        try await harness.run { client in
            let reply = try await client.get("/2/users/me?user.fields=created_at,description")
            #expect(reply.status == 200)
            #expect((reply.json["data"] as? [String: Any])?["id"] as? String == EmulatorHarness.accountID)
        }
    }

    @Test func refusesABadSignatureWithXs401() async throws {
        let harness = try EmulatorHarness()
        try await harness.run { client in
            var wrong = harness.signer
            wrong.consumerSecret = "not-the-secret"
            let header = wrong.header(method: "GET", url: "http://localhost/2/dm_events", timestamp: Int(harness.clock.now().timeIntervalSince1970))
            let v2 = try await client.get("/2/dm_events", auth: .header(header))
            #expect(v2.status == 401)
            #expect(v2.text == #"{"title":"Unauthorized","detail":"Unauthorized","type":"about:blank","status":401}"#)
            let v1Header = wrong.header(method: "GET", url: "http://localhost/1.1/users/show.json?user_id=1234", timestamp: Int(harness.clock.now().timeIntervalSince1970))
            let v1 = try await client.get("/1.1/users/show.json?user_id=1234", auth: .header(v1Header))
            #expect(v1.status == 401)
            #expect(v1.text == #"{"errors":[{"code":32,"message":"Could not authenticate you."}]}"#)
        }
    }

    @Test func refusesAQueryParameterChangedAfterSigning() async throws {
        let harness = try EmulatorHarness()
        try await harness.run { client in
            let header = harness.signer.header(method: "GET", url: "http://localhost/2/dm_events?max_results=10", timestamp: Int(harness.clock.now().timeIntervalSince1970))
            let reply = try await client.get("/2/dm_events?max_results=11", auth: .header(header))
            #expect(reply.status == 401)
        }
    }

    @Test func refusesATimestampMoreThan300SecondsOff() async throws {
        let harness = try EmulatorHarness()
        try await harness.run { client in
            let now = Int(harness.clock.now().timeIntervalSince1970)
            let stale = harness.signer.header(method: "GET", url: "http://localhost/2/users/me", timestamp: now - 301)
            #expect(try await client.get("/2/users/me", auth: .header(stale)).status == 401)
            let withinTolerance = harness.signer.header(method: "GET", url: "http://localhost/2/users/me", timestamp: now - 299)
            #expect(try await client.get("/2/users/me", auth: .header(withinTolerance)).status == 200)
            let future = harness.signer.header(method: "GET", url: "http://localhost/1.1/users/show.json?user_id=1234", timestamp: now + 400)
            let v1 = try await client.get("/1.1/users/show.json?user_id=1234", auth: .header(future))
            #expect(v1.status == 401)
            #expect(v1.text.contains("\"code\":135"))
        }
    }

    @Test func refusesAReusedNonce() async throws {
        let harness = try EmulatorHarness()
        try await harness.run { client in
            let header = harness.signer.header(method: "GET", url: "http://localhost/2/users/me", nonce: "same-nonce", timestamp: Int(harness.clock.now().timeIntervalSince1970))
            let first = try await client.get("/2/users/me", auth: .header(header))
            let replay = try await client.get("/2/users/me", auth: .header(header))
            #expect(first.status == 200)
            #expect(replay.status == 401)
        }
    }

    @Test func signsFormBodyParametersButNotAJSONBody() async throws {
        let harness = try EmulatorHarness()
        try await harness.run { client in
            // A JSON body is outside the signature: the signed request is accepted.
            let sent = try await client.postJSON(
                "/1.1/direct_messages/events/new.json",
                #"{"event":{"type":"message_create","message_create":{"target":{"recipient_id":"906948460078698496"},"message_data":{"text":"Hi"}}}}"#)
            #expect(sent.status == 200)
            // A form parameter left out of the signature is caught.
            let header = harness.signer.header(method: "POST", url: "http://localhost/2/dm_conversations/with/906948460078698496/messages", timestamp: Int(harness.clock.now().timeIntervalSince1970))
            let reply = try await client.send(
                "POST", "/2/dm_conversations/with/906948460078698496/messages", body: Data("text=Hi".utf8),
                contentType: "application/x-www-form-urlencoded", auth: .header(header))
            #expect(reply.status == 401)
        }
    }

    @Test func refusesUnknownConsumerAndTokenAndAMissingHeader() async throws {
        let harness = try EmulatorHarness()
        try await harness.run { client in
            var signer = harness.signer
            signer.token = "unknown-token"
            let v1 = try await client.get(
                "/1.1/users/show.json?user_id=1",
                auth: .header(signer.header(method: "GET", url: "http://localhost/1.1/users/show.json?user_id=1", timestamp: Int(harness.clock.now().timeIntervalSince1970))))
            #expect(v1.status == 401)
            #expect(v1.text.contains("\"code\":89"))
            let missing = try await client.get("/1.1/users/show.json?user_id=1", auth: .none)
            #expect(missing.status == 400)
            #expect(missing.text.contains("\"code\":215"))
            #expect(try await client.get("/2/users/me", auth: .header("OAuth nonsense")).status == 401)
        }
    }
}
