import CurlHTTP
import Foundation
import Logging

/// X's OAuth 2.0 token endpoint (`POST /2/oauth2/token`) and the authorization-code flow with
/// PKCE, for public clients (`client_id` in the form) and confidential ones (HTTP Basic).
///
/// Stateless: it returns new pairs and never stores them; `OAuth2TokenStore` decides who refreshes
/// and keeps the result. The client secret never appears in a description, mirror or error.
public struct OAuth2Client: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The application's OAuth 2.0 client id (public).
    public let clientId: String
    private let clientSecret: String?
    /// The token endpoint, `https://api.x.com/2/oauth2/token` by default.
    public let tokenURL: String
    private let exchange: XCall
    private let userAgent: String
    private let timeout: Duration
    private let clock: @Sendable () -> Date

    /// - Parameters:
    ///   - clientSecret: set for a confidential client, `nil` for a public one.
    ///   - clock: the current time, to turn `expires_in` into an expiry date.
    public init(
        clientId: String,
        clientSecret: String? = nil,
        tokenURL: String = XAPI.defaultBaseURL + "/2/oauth2/token",
        transport: any XHTTPTransport,
        userAgent: String = "kiamo-twitter",
        timeout: Duration = .seconds(30),
        clock: @escaping @Sendable () -> Date = { Date() },
        logger: Logger = Logger(label: "kiamo.xapi")
    ) {
        self.clientId = clientId
        self.clientSecret = clientSecret
        self.tokenURL = tokenURL
        self.exchange = XCall(transport: transport, logger: logger)
        self.userAgent = userAgent
        self.timeout = timeout
        self.clock = clock
    }

    /// A new pair for `token` (`grant_type=refresh_token`). X kills `token`'s refresh token: keep
    /// the returned pair, or the account is locked out until someone logs in again.
    ///
    /// Throws `XAPIError.refreshRejected` when X refuses the refresh token (`invalid_grant`, or
    /// `invalid_request` "Value passed for the token was invalid."), or when `token` has none;
    /// other `XAPIError`s as any call.
    public func refresh(_ token: OAuth2Token) async throws -> OAuth2Token {
        guard let refreshToken = token.refreshToken else {
            throw XAPIError.refreshRejected(error: "no_refresh_token", detail: "the token pair has no refresh token (offline.access was not granted)")
        }
        let response = try await post([("grant_type", "refresh_token"), ("refresh_token", refreshToken)], operation: .refreshToken)
        if response.status == 400 || response.status == 401, let body = XErrorBody.parse(response.body),
            let error = body.error, error == "invalid_grant" || error == "invalid_request"
        {
            throw XAPIError.refreshRejected(error: error, detail: body.errorDescription)
        }
        return try tokenPair(from: response, operation: .refreshToken, previousRefreshToken: refreshToken)
    }

    /// The first pair, from the code X sent to `redirectURI` and the verifier whose challenge was
    /// in the authorize URL (`grant_type=authorization_code`).
    public func exchange(code: String, pkce: PKCE, redirectURI: String) async throws -> OAuth2Token {
        let response = try await post(
            [
                ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", redirectURI), ("code_verifier", pkce.verifier),
            ], operation: .exchangeCode)
        return try tokenPair(from: response, operation: .exchangeCode, previousRefreshToken: nil)
    }

    /// Where to send a person to grant access: `response_type=code`, this client id, the
    /// redirect URI, the scopes (space-separated), `state`, and the S256 challenge.
    public func authorizeURL(
        redirectURI: String,
        state: String,
        pkce: PKCE,
        scopes: [String] = XAPI.defaultScopes,
        authorizeURL: String = XAPI.defaultAuthorizeURL
    ) -> String {
        authorizeURL + "?"
            + PercentEncoding.formEncode([
                ("response_type", "code"), ("client_id", clientId), ("redirect_uri", redirectURI),
                ("scope", scopes.joined(separator: " ")), ("state", state),
                ("code_challenge", pkce.challenge), ("code_challenge_method", pkce.method),
            ])
    }

    private func post(_ form: [(name: String, value: String)], operation: XOperation) async throws -> HTTPResponse {
        var fields = form
        var headers: HTTPHeaders = [
            "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json", "User-Agent": userAgent,
        ]
        if let clientSecret {
            let credentials = Data("\(clientId):\(clientSecret)".utf8).base64EncodedString()
            headers.add(name: "Authorization", value: "Basic \(credentials)")
        } else {
            fields.append(("client_id", clientId))
        }
        let request = HTTPRequest(
            method: .post, url: tokenURL, headers: headers, body: Data(PercentEncoding.formEncode(fields).utf8), timeout: timeout
        )
        return try await exchange.send(request, operation: operation)
    }

    private func tokenPair(from response: HTTPResponse, operation: XOperation, previousRefreshToken: String?) throws -> OAuth2Token {
        guard (200...299).contains(response.status) else {
            throw XErrorMapper.error(for: response, operation: operation, now: clock())
        }
        let decoded = try XDecoding.decode(OAuth2TokenResponse.self, from: response.body, operation: operation)
        return decoded.token(now: clock(), previousRefreshToken: previousRefreshToken)
    }

    public var description: String {
        "OAuth2Client(clientId: \(clientId), clientSecret: \(clientSecret == nil ? "none (public client)" : "****"), tokenURL: \(tokenURL))"
    }

    public var debugDescription: String { description }

    public var customMirror: Mirror {
        Mirror(self, children: ["clientId": clientId, "clientSecret": clientSecret == nil ? "none" : "****", "tokenURL": tokenURL])
    }
}
