import Foundation
import KiamoTwitter
import Logging
import SharedState
import XAPI

/// `auth login`: the OAuth 2.0 authorization-code flow with PKCE (S256) for an account.
///
/// `begin()` makes the verifier, the state and the authorize URL; `finish(_:with:)` checks the
/// redirect's state, exchanges the code, asks X whose pair it is (it must be the account's), and
/// only then stores it, replacing the stored pair with a compare-and-set on its current version so
/// running workers pick the new pair up at their next call. Nothing is stored on any failure.
public struct AuthLogin: Sendable {
    /// The default redirect URI: a loopback address nothing needs to listen on (the person copies
    /// the URL the browser lands on).
    public static let defaultRedirectURI = "http://127.0.0.1:8976/callback"

    /// A started login: what the person opens, and what the finish needs.
    public struct Attempt: Sendable, Encodable {
        /// Where the person consents.
        public var authorizeURL: String
        /// Where X sends the browser back (must match at the exchange).
        public var redirectURI: String
        /// The value the redirect must carry back.
        public var state: String
        /// Printed only by `--print-url`, which needs it for the second step.
        public var codeVerifier: String
    }

    let session: AdminSession
    /// The account signed in.
    public let account: AccountConfiguration
    let redirectURI: String
    let authorizeURL: String?
    let scopes: [String]

    /// A login of `account` (an OAuth 2.0 one) through `session`.
    public init(
        session: AdminSession, account: AccountConfiguration, redirectURI: String = AuthLogin.defaultRedirectURI,
        authorizeURL: String? = nil, scopes: [String] = XAPI.defaultScopes
    ) {
        self.session = session
        self.account = account
        self.redirectURI = redirectURI
        self.authorizeURL = authorizeURL
        self.scopes = scopes
    }

    private func oauthClient() async throws -> OAuth2Client {
        try await session.oauth2Client(for: account, command: "auth login")
    }

    /// A new attempt: fresh PKCE verifier and state, and the authorize URL.
    public func begin() async throws -> Attempt {
        try await attempt(pkce: PKCE.generate(), state: AuthLogin.randomState())
    }

    /// The attempt of an earlier `begin()` (two-step logins: `--state`, `--code-verifier`).
    public func attempt(pkce: PKCE, state: String) async throws -> Attempt {
        guard let components = URLComponents(string: redirectURI), ["http", "https"].contains(components.scheme ?? ""), components.host != nil else {
            throw AdminError.usage("--redirect-uri '\(redirectURI)' is not an http(s) URL")
        }
        let configuration = session.configuration
        let endpoint = AuthorizeEndpoint.url(baseURL: configuration.api.baseURL, override: authorizeURL)
        let url = try await oauthClient().authorizeURL(redirectURI: redirectURI, state: state, pkce: pkce, scopes: scopes, authorizeURL: endpoint)
        return Attempt(authorizeURL: url, redirectURI: redirectURI, state: state, codeVerifier: pkce.verifier)
    }

    /// Exchanges what the person brought back (redirect URL or code) and stores the pair. With
    /// `checkState` (always, unless the attempt's state is unknown) a redirect URL must carry it.
    public func finish(_ attempt: Attempt, with input: String, checkState: Bool = true) async throws -> TokenReport {
        let redirect = try AuthorizationRedirect.parse(input, expectedState: checkState ? attempt.state : nil)
        let pkce: PKCE
        do {
            pkce = try PKCE(verifier: attempt.codeVerifier)
        } catch {
            throw AdminError.usage("--code-verifier: \(error)")
        }
        let token = try await oauthClient().exchange(code: redirect.code, pkce: pkce, redirectURI: attempt.redirectURI)

        let me = try await owner(of: token)
        guard me.id == account.userId else {
            throw AdminError.failed("signed in as X user \(me.id) (@\(me.username)), but the account is \(account.userId); nothing was stored (sign in as that account)")
        }
        let state = try await session.state()
        let stored = try await Self.replace(token, account: account.userId, in: state)
        return TokenReport(
            account: account.userId, method: account.credentials.methodName, action: "login", user: me, token: stored,
            stored: true, now: Date())
    }

    /// Stores `token` over whatever is stored, each attempt a compare-and-set on the version just
    /// read (a worker rotating the old pair meanwhile makes it read again, never overwrite blindly).
    static func replace(_ token: OAuth2Token, account: String, in state: any TokenStorage) async throws -> StoredToken {
        for _ in 0..<10 {
            let current = try await state.storedToken(account: account)
            if case .stored(let stored) = try await state.storeToken(account: account, TokenPair(token), ifVersion: current?.version) {
                return stored
            }
        }
        throw AdminError.failed("the stored token of account \(account) kept changing while storing the new pair; stop the workers and retry")
    }

    /// Who X says `token` belongs to.
    private func owner(of token: OAuth2Token) async throws -> XUser {
        guard case .oauth2(let clientId, let clientSecret, _) = account.credentials else { throw AdminError.usage("not an OAuth 2.0 account") }
        let configuration = session.configuration
        var settings = ConnectionFactory(configuration).xAPIConfiguration(
            credentials: .oauth2(
                OAuth2Credentials(
                    clientId: clientId.reveal(), clientSecret: clientSecret?.reveal(),
                    tokenStore: InMemoryOAuth2TokenStore(token: token))))
        settings.apiVersion = .v2 // an OAuth 2.0 token is a v2 credential whatever api.version says
        let client = try XAPIClient(configuration: settings, transport: try await session.httpClient(), logger: session.logger)
        return try await client.me().value
    }

    /// 32 random URL-safe characters.
    static func randomState() -> String {
        OAuth1Signer.randomNonce()
    }
}
