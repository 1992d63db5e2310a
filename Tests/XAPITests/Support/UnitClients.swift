import CurlHTTP
import Foundation
import XAPI

/// Clients over a `CannedTransport`, with a fixed clock and nonce so signatures are reproducible.
enum UnitClients {
    static let now = Date(timeIntervalSince1970: 1_700_000_000)

    static let oauth1 = OAuth1Credentials(
        consumerKey: "consumer-key-XYZ", consumerSecret: "consumer-secret-XYZ",
        oauthToken: "1234-access-token-XYZ", oauthTokenSecret: "access-secret-XYZ"
    )

    static func token(access: String = "access-1", refresh: String? = "refresh-1", expiresIn: TimeInterval = 7200) -> OAuth2Token {
        OAuth2Token(accessToken: access, refreshToken: refresh, expiresAt: now.addingTimeInterval(expiresIn))
    }

    static func v2OAuth1(_ transport: CannedTransport) throws -> XAPIClient {
        try client(.v2, .oauth1(oauth1), transport)
    }

    static func v1OAuth1(_ transport: CannedTransport) throws -> XAPIClient {
        try client(.v1_1, .oauth1(oauth1), transport)
    }

    static func v2OAuth2(_ transport: CannedTransport, store: InMemoryOAuth2TokenStore, clientSecret: String? = nil) throws -> XAPIClient {
        try client(.v2, .oauth2(OAuth2Credentials(clientId: "client-id", clientSecret: clientSecret, tokenStore: store)), transport)
    }

    static func client(_ version: XAPIVersion, _ credentials: XCredentials, _ transport: CannedTransport) throws -> XAPIClient {
        try XAPIClient(
            configuration: XAPIConfiguration(baseURL: "https://api.x.test", apiVersion: version, credentials: credentials),
            transport: transport, clock: { now }, nonce: { "fixed-nonce" }
        )
    }
}
