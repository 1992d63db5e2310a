import Foundation
import Testing

@testable import XAPI

@Suite("OAuth 1.0a signer")
struct OAuth1SignerTests {
    /// X's documented example ("Creating a signature").
    static let xExample = OAuth1Credentials(
        consumerKey: "xvz1evFS4wEEPTGEFPHBog",
        consumerSecret: "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw",
        oauthToken: "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb",
        oauthTokenSecret: "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE"
    )

    static func fixedSigner(_ credentials: OAuth1Credentials = xExample, timestamp: TimeInterval = 1_318_622_958, nonce: String = "kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg") -> OAuth1Signer {
        OAuth1Signer(credentials: credentials, clock: { Date(timeIntervalSince1970: timestamp) }, nonce: { nonce })
    }

    @Test func xDocumentedExampleSignsToTheDocumentedSignature() throws {
        let steps = try Self.fixedSigner().steps(
            method: "post",
            url: "https://api.twitter.com/1.1/statuses/update.json?include_entities=true",
            formParameters: [("status", "Hello Ladies + Gentlemen, a signed OAuth request!")]
        )
        #expect(
            steps.baseString
                == "POST&https%3A%2F%2Fapi.twitter.com%2F1.1%2Fstatuses%2Fupdate.json&include_entities%3Dtrue%26oauth_consumer_key%3Dxvz1evFS4wEEPTGEFPHBog%26oauth_nonce%3DkYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D1318622958%26oauth_token%3D370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb%26oauth_version%3D1.0%26status%3DHello%2520Ladies%2520%252B%2520Gentlemen%252C%2520a%2520signed%2520OAuth%2520request%2521"
        )
        #expect(steps.signature == "hCtSmYh+iHYCEqBWrE7C7hYmtUk=")
        #expect(
            steps.authorizationHeader
                == #"OAuth oauth_consumer_key="xvz1evFS4wEEPTGEFPHBog", oauth_nonce="kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg", oauth_signature="hCtSmYh%2BiHYCEqBWrE7C7hYmtUk%3D", oauth_signature_method="HMAC-SHA1", oauth_timestamp="1318622958", oauth_token="370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb", oauth_version="1.0""#
        )
    }

    @Test func explicitTimestampAndNonceOverrideTheInjectedOnes() throws {
        let signer = Self.fixedSigner(timestamp: 1, nonce: "other")
        let steps = try signer.steps(
            method: "POST", url: "https://api.twitter.com/1.1/statuses/update.json?include_entities=true",
            formParameters: [("status", "Hello Ladies + Gentlemen, a signed OAuth request!")],
            timestamp: "1318622958", nonce: "kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg"
        )
        #expect(steps.signature == "hCtSmYh+iHYCEqBWrE7C7hYmtUk=")
    }

    /// Expected values computed independently (Python `hmac` and `urllib.parse.quote(safe="~")`).
    @Test func parametersNeedingEncodingAreSignedPerRFC3986() throws {
        let credentials = OAuth1Credentials(consumerKey: "ck", consumerSecret: "cs+/=é", oauthToken: "123-tok", oauthTokenSecret: "ts&%")
        let signer = Self.fixedSigner(credentials, timestamp: 1_700_000_000, nonce: "n0nce")
        let query = PercentEncoding.formEncode([("ids", "1,2,3"), ("text", "a b+c*d~e%f"), ("name", "Zoë 😀 שלום")])
        #expect(query == "ids=1%2C2%2C3&text=a%20b%2Bc%2Ad~e%25f&name=Zo%C3%AB%20%F0%9F%98%80%20%D7%A9%D7%9C%D7%95%D7%9D")
        let steps = try signer.steps(
            method: "POST", url: "https://api.x.com/2/test?" + query, formParameters: [("status", "x=y&z"), ("status", "a")]
        )
        #expect(
            steps.parameterString
                == "ids=1%2C2%2C3&name=Zo%C3%AB%20%F0%9F%98%80%20%D7%A9%D7%9C%D7%95%D7%9D&oauth_consumer_key=ck&oauth_nonce=n0nce&oauth_signature_method=HMAC-SHA1&oauth_timestamp=1700000000&oauth_token=123-tok&oauth_version=1.0&status=a&status=x%3Dy%26z&text=a%20b%2Bc%2Ad~e%25f"
        )
        #expect(steps.signature == "UEBrbYcbjW3+n+F5uep2ReHx7PE=")
    }

    /// RFC 5849 §3.4.1.3 example: duplicate names sorted by value, empty values, `+` in a form
    /// body meaning a space, query and body parameters merged.
    @Test func duplicateKeysAndEmptyValuesFollowRFC5849Example() throws {
        let credentials = OAuth1Credentials(consumerKey: "9djdj82h48djs9d2", consumerSecret: "j49sk3j29djd", oauthToken: "kkk9d7dh3k39sjv7", oauthTokenSecret: "dh893hdasih9")
        let signer = Self.fixedSigner(credentials, timestamp: 137_131_201, nonce: "7d8f3e4a")
        let body = try #require(PercentEncoding.parseForm("c2&a3=2+q"))
        let steps = try signer.steps(method: "POST", url: "http://EXAMPLE.com:80/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b", formParameters: body)
        #expect(steps.normalizedURL == "http://example.com/request")
        #expect(
            steps.parameterString
                == "a2=r%20b&a3=2%20q&a3=a&b5=%3D%253D&c%40=&c2=&oauth_consumer_key=9djdj82h48djs9d2&oauth_nonce=7d8f3e4a&oauth_signature_method=HMAC-SHA1&oauth_timestamp=137131201&oauth_token=kkk9d7dh3k39sjv7&oauth_version=1.0"
        )
    }

    @Test func baseURLIsNormalized() throws {
        #expect(try OAuth1Signer.split(url: "HTTPS://API.X.com:443/2/Users?x=1").normalizedURL == "https://api.x.com/2/Users")
        #expect(try OAuth1Signer.split(url: "http://127.0.0.1:8080/2/dm_events").normalizedURL == "http://127.0.0.1:8080/2/dm_events")
        #expect(try OAuth1Signer.split(url: "https://api.x.com").normalizedURL == "https://api.x.com/")
        #expect(try OAuth1Signer.split(url: "http://[::1]:9000/a#frag").normalizedURL == "http://[::1]:9000/a")
        #expect(throws: XAPIError.self) { try OAuth1Signer.split(url: "ftp://x/") }
        #expect(throws: XAPIError.self) { try OAuth1Signer.split(url: "https://x/?a=%zz") }
    }

    @Test func aJSONBodyIsNotSigned() throws {
        let signer = Self.fixedSigner()
        let withoutBody = try signer.steps(method: "POST", url: "https://api.x.com/2/dm_conversations/with/42/messages")
        #expect(withoutBody.parameterString.hasPrefix("oauth_consumer_key="))
        #expect(!withoutBody.parameterString.contains("text"))
    }

    @Test func randomNoncesAreAlphanumericAndDistinct() {
        let nonces = (0..<100).map { _ in OAuth1Signer.randomNonce() }
        #expect(Set(nonces).count == 100)
        #expect(nonces.allSatisfy { $0.count == 32 && $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) } })
    }

    @Test func stepsDescriptionMasksTheSignature() throws {
        let steps = try Self.fixedSigner().steps(method: "GET", url: "https://api.x.com/2/users/me")
        #expect(!"\(steps)".contains(steps.signature))
        #expect(!"\(steps)".contains(PercentEncoding.encode(steps.signature)))
    }
}
