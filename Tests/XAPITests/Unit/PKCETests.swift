import Foundation
import Testing

@testable import XAPI

@Suite("PKCE and the authorize URL")
struct PKCETests {
    /// RFC 7636 Appendix B. (The issue quoted a garbled pair; these are the RFC's own values.)
    @Test func rfc7636TestVectorGivesTheDocumentedChallenge() throws {
        let octets: [UInt8] = [116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186, 22, 212, 37, 77, 105, 214, 191, 240, 91, 88, 5, 88, 83, 132, 141, 121]
        #expect(PKCE.base64URL(Data(octets)) == "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")
        let pkce = try PKCE(verifier: "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")
        #expect(pkce.challenge == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")
        #expect(pkce.method == "S256")
    }

    @Test func generatedVerifiersAreValidAndDistinct() throws {
        let first = PKCE.generate()
        let second = PKCE.generate()
        #expect(first.verifier.count == 43)
        #expect(first.verifier != second.verifier)
        #expect(try PKCE(verifier: first.verifier).challenge == first.challenge)
        #expect(!"\(first)".contains(first.verifier))
    }

    @Test func invalidVerifiersAreRefused() {
        #expect(throws: XAPIError.self) { try PKCE(verifier: "short") }
        #expect(throws: XAPIError.self) { try PKCE(verifier: String(repeating: "a", count: 42) + "!") }
    }

    @Test func authorizeURLCarriesScopesStateAndChallenge() throws {
        let client = OAuth2Client(clientId: "my client", transport: CannedTransport.unreachable)
        let pkce = try PKCE(verifier: "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")
        let url = client.authorizeURL(redirectURI: "http://127.0.0.1:8765/callback", state: "s t", pkce: pkce)
        #expect(url.hasPrefix("https://x.com/i/oauth2/authorize?"))
        let query = try #require(PercentEncoding.parseForm(String(url.split(separator: "?", maxSplits: 1)[1])))
        let fields = Dictionary(query.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
        #expect(
            fields == [
                "response_type": "code", "client_id": "my client", "redirect_uri": "http://127.0.0.1:8765/callback",
                "scope": "dm.read dm.write tweet.read users.read media.write offline.access", "state": "s t",
                "code_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", "code_challenge_method": "S256",
            ])
    }
}
