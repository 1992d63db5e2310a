import CurlHTTP
import Foundation
import TestSupport
import Testing

@testable import XAPI

@Suite("No secret in descriptions, mirrors, errors or logs")
struct SecretMaskingTests {
    /// Secrets made of the characters that end URL parts and trip naive maskers (`/ ? # @ : %`),
    /// not only letters: a leak may show them raw or percent-encoded, and both are looked for.
    static let secrets = [
        "CKEY/?#@:%secret-1", "CSECRET:%2F@secret-2", "1234-TOKEN#?secret-3", "TSECRET@/:secret-4",
        "CLIENTSECRET%?#secret-5", "ACCESS/@:secret-6", "REFRESH#%/secret-7",
    ]

    /// Each secret as it may appear: raw, and percent-encoded as OAuth and URLs encode it.
    static let leakForms: [String] = secrets.flatMap { secret in
        [secret, secret.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? secret, String(secret.prefix(8))]
    }

    static let oauth1 = OAuth1Credentials(consumerKey: secrets[0], consumerSecret: secrets[1], oauthToken: secrets[2], oauthTokenSecret: secrets[3])
    static let token = OAuth2Token(accessToken: secrets[5], refreshToken: secrets[6], expiresAt: UnitClients.now)

    /// Every way a value can become text: interpolation, `description`, `debugDescription`, `dump`.
    static func renderings(_ value: Any) -> [String] {
        var dumped = ""
        dump(value, to: &dumped)
        return ["\(value)", String(describing: value), String(reflecting: value), dumped]
    }

    static func expectNoSecret(_ value: Any, sourceLocation: SourceLocation = #_sourceLocation) {
        for text in renderings(value) {
            for secret in leakForms {
                #expect(!text.contains(secret), "\(type(of: value)) shows a secret: \(text)", sourceLocation: sourceLocation)
            }
        }
    }

    @Test func credentialConfigurationAndClientTypesMaskEverySecret() throws {
        let store = InMemoryOAuth2TokenStore(token: Self.token)
        let oauth2 = OAuth2Credentials(clientId: "client-id", clientSecret: Self.secrets[4], tokenStore: store)
        let v1Config = XAPIConfiguration(apiVersion: .v1_1, credentials: .oauth1(Self.oauth1))
        let v2Config = XAPIConfiguration(credentials: .oauth2(oauth2))
        let values: [Any] = [
            Self.oauth1, oauth2, XCredentials.oauth1(Self.oauth1), XCredentials.oauth2(oauth2), v1Config, v2Config, Self.token, store,
            OAuth1Signer(credentials: Self.oauth1),
            OAuth2Client(clientId: "client-id", clientSecret: Self.secrets[4], transport: CannedTransport.unreachable),
            try XAPIClient(configuration: v1Config, transport: CannedTransport.unreachable),
            try XAPIClient(configuration: v2Config, transport: CannedTransport.unreachable),
            try OAuth1Signer(credentials: Self.oauth1).steps(method: "GET", url: "https://api.x.com/2/users/me"),
        ]
        for value in values { Self.expectNoSecret(value) }
        #expect("\(oauth2)".contains("client-id"))
    }

    @Test func errorsAndLogLinesOfFailingCallsCarryNoSecret() async throws {
        let capture = LogCapture(label: "test.xapi")
        let logger = capture.logger
        // Every answer echoes nothing secret, as X does; the token endpoint refuses the refresh.
        let transport = CannedTransport { request, index in
            if request.path == "/2/oauth2/token" { return CannedTransport.response(status: 400, json: Fixtures.refreshRefused) }
            switch index % 4 {
            case 0: return CannedTransport.response(status: 401, json: Fixtures.v1Unauthorized)
            case 1: return CannedTransport.response(status: 429, json: Fixtures.rateLimited, headers: ["x-rate-limit-reset": "1700000900"])
            case 2: return CannedTransport.response(status: 500, json: "")
            default: throw HTTPClientError.shutdown
            }
        }
        let store = InMemoryOAuth2TokenStore(token: Self.token, clock: { UnitClients.now })
        let clients = [
            try XAPIClient(configuration: XAPIConfiguration(baseURL: "https://api.x.test", credentials: .oauth1(Self.oauth1)), transport: transport, logger: logger),
            try XAPIClient(configuration: XAPIConfiguration(baseURL: "https://api.x.test", apiVersion: .v1_1, credentials: .oauth1(Self.oauth1)), transport: transport, logger: logger),
            try XAPIClient(
                configuration: XAPIConfiguration(baseURL: "https://api.x.test", credentials: .oauth2(OAuth2Credentials(clientId: "client-id", clientSecret: Self.secrets[4], tokenStore: store))),
                transport: transport, logger: logger, clock: { UnitClients.now }
            ),
        ]
        var errors: [any Error] = []
        for client in clients {
            for _ in 0..<4 {
                do { _ = try await client.sendDM(to: "42", text: "hello") } catch { errors.append(error) }
                do { _ = try await client.listDMEvents(pageToken: nil, maxResults: 10) } catch { errors.append(error) }
            }
        }
        #expect(errors.count == 24)
        #expect(errors.allSatisfy { $0 is XAPIError })
        for error in errors { Self.expectNoSecret(error) }
        #expect(!capture.lines.isEmpty)
        for line in capture.lines {
            for secret in Self.leakForms { #expect(!line.contains(secret), "log line shows a secret: \(line)") }
            #expect(!line.lowercased().contains("authorization"), "log line mentions a header: \(line)")
            #expect(!line.contains("oauth_signature"))
        }
        // The debug lines say what happened.
        #expect(
            capture.lines.contains {
                $0.contains("operation=sendDM") && $0.contains("status=") && $0.contains("duration_ms=") && $0.contains("rate_limit_remaining=")
            })
    }
}
