import Logging

/// Everything a worker or the command-line tool is configured with, resolved from the file, the
/// environment and the defaults (`ConfigurationLoader`). Secrets are `Secret` values: printing a
/// configuration never shows them.
public struct Configuration: Sendable {
    public var service: String
    public var logLevel: Logger.Level
    public var logFiles: LogFiles
    /// How standard output's lines are written (`logFormat`).
    public var logFormat: LogFormat = .text
    public var amqp: AMQPSettings
    public var state: StateSettings
    public var api: APISettings
    public var http: HTTPSettings
    /// Traces to an OpenTelemetry collector (`tracing.*`); off without an endpoint.
    public var tracing: TracingSettings = TracingSettings()
    public var cache: CacheSettings
    public var resources: Resources
    public var ingest: IngestSettings
    public var dispatch: DispatchSettings
    /// Customers' media kept and linked for agents (`media.*`); nil when `media.folder` is empty.
    public var media: MediaSettings? = nil
    public var shutdownGrace: Duration
    public var accounts: [AccountConfiguration]

    /// `text` for a person reading a terminal, `json` for a log shipper (one object per line).
    public enum LogFormat: String, Sendable {
        case text, json
    }

    public struct TracingSettings: Sendable {
        /// The collector's OTLP/HTTP base URL; nil: tracing off.
        public var endpoint: String?
        public var samplingPercent: Int = 100

        public init(endpoint: String? = nil, samplingPercent: Int = 100) {
            self.endpoint = endpoint
            self.samplingPercent = samplingPercent
        }
    }

    public struct LogFiles: Sendable {
        public var enabled: Bool
        public var folder: String
    }

    public struct AMQPSettings: Sendable {
        public var url: Secret
        public var exchange: String
        public var queueType: QueueType
        public var heartbeat: Duration
        /// Bounds of the queues nobody consumes in a default deployment (`Topology.QueueBounds`).
        public var bounds: Topology.QueueBounds = Topology.QueueBounds()
    }

    public enum QueueType: String, Sendable {
        case classic, quorum
    }

    public struct StateSettings: Sendable {
        public var url: Secret
    }

    public struct APISettings: Sendable {
        public var baseURL: String
        public var version: APIVersion
        public var timeout: Duration
        public var connectTimeout: Duration
        public var tokenRefreshMargin: Duration
        /// `api.allowInsecureHttp`: accept a plain `http://` base URL for a host that is not
        /// loopback (an emulator in a private network); off, such a URL stops the worker at start,
        /// since tokens and messages would cross the network in clear.
        public var allowInsecureHttp: Bool = false
        /// The app's consumer key pair for the push APIs; empty: the first OAuth 1.0a account's.
        public var consumerKey = Secret("")
        public var consumerSecret = Secret("")
    }

    public enum APIVersion: String, Sendable {
        case v2 = "2"
        case v1_1 = "1.1"
    }

    public struct HTTPSettings: Sendable {
        public var host: String
        /// 0: no metrics and health endpoints.
        public var port: Int
    }

    /// The original's cache settings, same names and meaning.
    public struct CacheSettings: Sendable {
        public var enabled: Bool
        public var checkEveryInSecs: Int
        public var expirationInSecs: Int
    }

    public struct Resources: Sendable {
        public var enabled: Bool
        public var folder: String
    }

    public struct IngestSettings: Sendable {
        public var pollInterval: Duration
        public var paginationCount: Int
        public var backfill: Duration
        public var overlap: Duration
        public var senderNameTemplate: String
        public var leaseTTL: Duration
        public var mode: IngestMode = .poll
        public var reconcileInterval: Duration = .seconds(60)
        public var webhook = WebhookSettings()
    }

    /// The webhook endpoint of `ingest.mode: webhook`.
    public struct WebhookSettings: Sendable {
        public var host = "0.0.0.0"
        public var port = 8088
        public var path = "/webhooks/x"
        public var maxBodyBytes = 1_048_576
        /// The public URL X calls; nil: registered by hand (`kiamo-twitter webhooks register`).
        public var url: String?

        public init() {}
    }

    public struct DispatchSettings: Sendable {
        public var prefetch: Int
        public var concurrencyPerAccount: Int
        public var maxAttempts: Int
        public var maxDeliveries: Int
        public var retryDelays: [Duration]
        public var splitLongMessages: Bool
        public var maxCommandBytes: Int
        public var staleClaim: Duration
        public var sentRetention: Duration
        /// Where a reply's attachment may come from (`dispatch.attachments.*`).
        public var attachments: ReplyMediaSettings = ReplyMediaSettings()
    }

    /// The account configured with `userId`, if any.
    /// The app's consumer key pair for X's push APIs: `api.consumerKey`/`api.consumerSecret`, or
    /// the first OAuth 1.0a account's (every account of one app shares it); nil when neither is set.
    public var appConsumerKeys: (key: Secret, secret: Secret)? {
        if !api.consumerKey.isEmpty, !api.consumerSecret.isEmpty { return (api.consumerKey, api.consumerSecret) }
        for account in accounts {
            if case .oauth1(let key, let secret, _, _) = account.credentials { return (key, secret) }
        }
        return nil
    }

    public func account(_ userId: String) -> AccountConfiguration? {
        accounts.first { $0.userId == userId }
    }
}

/// One X account the workers serve, and how they authenticate as it.
public struct AccountConfiguration: Sendable {
    public var userId: String
    public var credentials: Credentials

    /// OAuth 1.0a user context (the original's four keys) or an OAuth 2.0 user token.
    public enum Credentials: Sendable {
        case oauth1(consumerKey: Secret, consumerSecret: Secret, oauthToken: Secret, oauthTokenSecret: Secret)
        /// `refreshToken` seeds the state store when it holds no token for the account yet.
        case oauth2(clientId: Secret, clientSecret: Secret?, refreshToken: Secret?)

        public var methodName: String {
            switch self {
            case .oauth1: "OAuth 1.0a"
            case .oauth2(_, let secret, _): secret == nil ? "OAuth 2.0 (public client)" : "OAuth 2.0 (confidential client)"
            }
        }
    }
}
