import CurlHTTP
import Foundation
import Logging

/// The X client the engines use: the dialect and authentication of its configuration behind one
/// `XDirectMessageClient`.
///
/// Immutable and `Sendable`: share one per account. OAuth 2.0 tokens come from the configured
/// store before every call (refreshed within `refreshMargin` of expiry); a 401 triggers one
/// refresh and one retry, and a second 401 throws `XAPIError.unauthorized`.
public final class XAPIClient: XDirectMessageClient, XMediaDownloading, CustomStringConvertible, CustomReflectable {
    /// The configuration the client was built from.
    public let configuration: XAPIConfiguration
    private let dialect: any XDirectMessageClient
    private let executor: XRequestExecutor
    /// X's clock as the `Date` headers of its answers show it.
    public let serverClock: XServerClock

    /// - Parameters:
    ///   - transport: CurlHTTP's `HTTPClient` (shareable between clients), or a fake in unit tests.
    ///   - clock: the current time, for OAuth timestamps and token expiry.
    ///   - nonce: OAuth 1.0a nonces (random by default).
    /// - Throws: `XAPIError.invalidArgument` for a configuration X cannot serve: v1.1 with OAuth
    ///   2.0 credentials, or a base URL that is not http(s).
    public init(
        configuration: XAPIConfiguration,
        transport: any XHTTPTransport,
        logger: Logger = Logger(label: "kiamo.xapi"),
        clock: @escaping @Sendable () -> Date = { Date() },
        nonce: @escaping @Sendable () -> String = { OAuth1Signer.randomNonce() }
    ) throws {
        let base = configuration.baseURL.lowercased()
        guard base.hasPrefix("http://") || base.hasPrefix("https://") else {
            throw XAPIError.invalidArgument(operation: .configure, argument: "baseURL", reason: "'\(configuration.baseURL)' is not an http(s) URL")
        }
        let authorizer: XRequestAuthorizer
        switch configuration.credentials {
        case .oauth1(let credentials):
            authorizer = .oauth1(OAuth1Signer(credentials: credentials, clock: clock, nonce: nonce))
        case .oauth2(let credentials):
            let client = OAuth2Client(
                clientId: credentials.clientId, clientSecret: credentials.clientSecret, tokenURL: configuration.resolvedTokenURL,
                transport: transport, userAgent: configuration.userAgent, timeout: configuration.timeout, clock: clock, logger: logger
            )
            authorizer = .oauth2(store: credentials.tokenStore, client: client)
        }
        let serverClock = XServerClock(local: clock)
        let executor = XRequestExecutor(
            configuration: configuration, authorizer: authorizer, exchange: XCall(transport: transport, logger: logger), clock: clock,
            serverClock: serverClock
        )
        self.serverClock = serverClock
        self.configuration = configuration
        self.executor = executor
        switch configuration.apiVersion {
        case .v2: dialect = V2Dialect(executor: executor)
        case .v1_1:
            guard case .oauth1(let credentials) = configuration.credentials else {
                throw XAPIError.invalidArgument(
                    operation: .configure, argument: "credentials", reason: "API v1.1 accepts OAuth 1.0a credentials only; configure apiVersion 2 for OAuth 2.0"
                )
            }
            dialect = V1Dialect(executor: executor, oauthToken: credentials.oauthToken)
        }
    }

    /// The configured dialect.
    public var apiVersion: XAPIVersion { configuration.apiVersion }

    /// See `XDirectMessageClient`.
    public func listDMEvents(pageToken: String?, maxResults: Int) async throws -> DMEventPage {
        try await dialect.listDMEvents(pageToken: pageToken, maxResults: maxResults)
    }

    /// See `XDirectMessageClient`.
    public func conversationEvents(with participantId: String, pageToken: String?, maxResults: Int) async throws -> DMEventPage {
        try await dialect.conversationEvents(with: participantId, pageToken: pageToken, maxResults: maxResults)
    }

    /// See `XDirectMessageClient`.
    public func sendDM(to participantId: String, text: String) async throws -> SentDM {
        try await dialect.sendDM(to: participantId, text: text)
    }

    /// See `XDirectMessageClient`.
    public func serverNow() -> Date { serverClock.now() }

    /// See `XDirectMessageClient`.
    public func me() async throws -> XResponse<XUser> { try await dialect.me() }

    /// See `XDirectMessageClient`.
    public func user(id: String) async throws -> XResponse<XUser> { try await dialect.user(id: id) }

    /// See `XDirectMessageClient`.
    public func users(ids: [String]) async throws -> XResponse<[XUser]> { try await dialect.users(ids: ids) }

    /// See `XDirectMessageClient`.
    public func user(username: String) async throws -> XResponse<XUser> { try await dialect.user(username: username) }

    /// See `XMediaDownloading`. The same path for both dialects: X serves DM media there to
    /// OAuth 2.0 (`dm.read`) and OAuth 1.0a callers alike.
    public func downloadDMMedia(_ media: XDMMediaReference, maxBytes: Int) async throws -> XMediaDownload {
        guard maxBytes > 0 else { throw XAPIError.invalidArgument(operation: .downloadDMMedia, argument: "maxBytes", reason: "must be positive (got \(maxBytes))") }
        let answer = try await executor.perform(
            .downloadDMMedia, .init(method: .get, path: media.path, accept: "*/*", maxResponseSize: maxBytes))
        return XMediaDownload(bytes: answer.body, contentType: answer.contentType, rateLimit: answer.rateLimit)
    }

    public var description: String { "XAPIClient(\(configuration))" }

    /// Reflects the (masked) configuration only, so `dump` cannot reach a token store's contents.
    public var customMirror: Mirror { Mirror(self, children: ["configuration": configuration]) }
}
