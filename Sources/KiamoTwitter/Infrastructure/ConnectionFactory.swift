import AMQP
import CurlHTTP
import Foundation
import Logging
import XAPI

/// What the workers and the admin tool build from the configuration, built one way for both: the
/// HTTP client X is called through, the broker connection's settings, the OAuth 2.0 token
/// endpoint and the lease that makes one token refresh at a time. A rule changed here changes for
/// `kiamo-twitter` as for the workers (a CLI refresh under a shorter lease than the workers' would
/// let two refreshes burn one rotating refresh token).
public struct ConnectionFactory: Sendable {
    public let configuration: Configuration

    public init(_ configuration: Configuration) {
        self.configuration = configuration
    }

    /// `User-Agent` of every call to X: the service and this version.
    public var userAgent: String { "\(configuration.service)/\(KiamoTwitter.version)" }

    /// The HTTP client's settings: `api.timeout`, `api.connectTimeout`, the user agent.
    public var httpClientConfiguration: HTTPClient.Configuration {
        var settings = HTTPClient.Configuration()
        settings.connectTimeout = configuration.api.connectTimeout
        settings.timeout = configuration.api.timeout
        settings.userAgent = userAgent
        return settings
    }

    public func httpClient(logger: Logger) throws -> HTTPClient {
        try HTTPClient(configuration: httpClientConfiguration, logger: logger)
    }

    /// The broker connection's settings from `amqp.url` and `amqp.heartbeat`, named
    /// `<service>-<role>@<host>` so the management UI tells the processes apart.
    public func amqpConfiguration(role: String) throws -> AMQPConfiguration {
        var settings = try AMQPConfiguration(url: configuration.amqp.url.reveal())
        settings.heartbeat = configuration.amqp.heartbeat
        settings.connectionName = "\(configuration.service)-\(role)@\(ProcessInfo.processInfo.hostName)"
        return settings
    }

    /// X's OAuth 2.0 token endpoint under `api.baseUrl` (the emulator serves it at the same path).
    public var oauth2TokenURL: String {
        var base = configuration.api.baseURL
        while base.hasSuffix("/") { base.removeLast() }
        return base + "/2/oauth2/token"
    }

    /// How long the shared refresh lease is held: longer than a refresh call can take (its HTTP
    /// timeout, twice over), and never under 30 s.
    public var tokenRefreshLeaseTTL: Duration { max(.seconds(30), configuration.api.timeout * 2) }

    /// The X client's settings for `credentials`.
    public func xAPIConfiguration(credentials: XCredentials) -> XAPIConfiguration {
        XAPIConfiguration(
            baseURL: configuration.api.baseURL,
            apiVersion: configuration.api.version == .v1_1 ? .v1_1 : .v2,
            credentials: credentials,
            timeout: configuration.api.timeout,
            connectTimeout: configuration.api.connectTimeout,
            userAgent: userAgent,
            refreshMargin: configuration.api.tokenRefreshMargin,
            tokenURL: oauth2TokenURL
        )
    }

    /// The token-endpoint client of an OAuth 2.0 app (`auth login`, `auth refresh`).
    public func oauth2Client(clientId: String, clientSecret: String?, transport: any XHTTPTransport, logger: Logger) -> OAuth2Client {
        OAuth2Client(
            clientId: clientId, clientSecret: clientSecret, tokenURL: oauth2TokenURL, transport: transport,
            userAgent: userAgent, timeout: configuration.api.timeout, logger: logger)
    }
}
