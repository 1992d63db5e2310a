/// Everything an emulator is started with: the app's credentials, the accounts it serves, token
/// lifetimes, rate limits and the clock. Values are fixed for the emulator's life; `reset` keeps them.
public struct EmulatorConfiguration: Sendable {
    /// The account the emulator serves (the `me` of `/2/users/me`, the auto-consenting user of the
    /// authorization step, the default of the control API's `account`).
    public var account: EmulatorAccount
    /// Further accounts that authorized the same app (several Kiamo accounts against one X).
    public var additionalAccounts: [EmulatorAccount]
    /// OAuth 1.0a consumer key of the app.
    public var consumerKey: String
    /// OAuth 1.0a consumer secret of the app.
    public var consumerSecret: String
    /// OAuth 2.0 client id.
    public var clientID: String
    /// OAuth 2.0 client secret; `nil` makes the app a public client (which sends `client_id` in the
    /// form instead of authenticating with HTTP Basic).
    public var clientSecret: String?
    /// Redirect URIs the authorization step accepts; empty accepts any `http(s)` URI.
    public var redirectURIs: [String]
    /// Lifetime of the access tokens the emulator issues (X: 7,200 s).
    public var accessTokenLifetime: Duration
    /// Lifetime of an authorization code (X: 30 s).
    public var authorizationCodeLifetime: Duration
    /// OAuth 1.0a tolerance between the request's timestamp and the clock (X: 300 s).
    public var timestampTolerance: Duration
    /// Rate limits.
    public var rateLimits: RateLimitPolicy
    /// How far back the list endpoints reach (X: 30 days).
    public var historyWindow: Duration
    /// Whether `POST /2/webhooks` also takes `http://` URLs with a port (a receiver on the
    /// loopback in tests); X takes `https` only, without a port or a query (false, the default).
    public var allowInsecureWebhooks: Bool
    /// How long X waits for a webhook's answer, CRC or delivery (X: 3 s).
    public var webhookTimeout: Duration
    /// The waits before each retry of a delivery that got no 2xx (X: 20 s, 80 s, 200 s, our
    /// reading of X's docs: three retries over about five minutes); then it is dropped.
    public var webhookRetryDelays: [Duration]
    /// How often each webhook is checked with a CRC, on the emulator's clock (X: hourly).
    public var crcInterval: Duration
    /// Webhooks an app may register (X's lower tiers: 1).
    public var maxWebhooks: Int
    /// How often an idle activity stream sends a keep-alive `\r\n` (real time; X: 20 s).
    public var streamKeepAlive: Duration
    /// Activity stream connections an app may hold at once (X: 1).
    public var maxStreamConnections: Int
    /// The time source.
    public var clock: any EmulatorClock

    /// A configuration with X's defaults for everything but the credentials.
    public init(
        account: EmulatorAccount,
        additionalAccounts: [EmulatorAccount] = [],
        consumerKey: String,
        consumerSecret: String,
        clientID: String,
        clientSecret: String? = nil,
        redirectURIs: [String] = [],
        accessTokenLifetime: Duration = .seconds(7200),
        authorizationCodeLifetime: Duration = .seconds(30),
        timestampTolerance: Duration = .seconds(300),
        rateLimits: RateLimitPolicy = .x,
        historyWindow: Duration = .seconds(30 * 86_400),
        allowInsecureWebhooks: Bool = false,
        webhookTimeout: Duration = .seconds(3),
        webhookRetryDelays: [Duration] = [.seconds(20), .seconds(80), .seconds(200)],
        crcInterval: Duration = .seconds(3600),
        maxWebhooks: Int = 1,
        streamKeepAlive: Duration = .seconds(20),
        maxStreamConnections: Int = 1,
        clock: any EmulatorClock = SystemClock()
    ) {
        self.account = account
        self.additionalAccounts = additionalAccounts
        self.consumerKey = consumerKey
        self.consumerSecret = consumerSecret
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.redirectURIs = redirectURIs
        self.accessTokenLifetime = accessTokenLifetime
        self.authorizationCodeLifetime = authorizationCodeLifetime
        self.timestampTolerance = timestampTolerance
        self.rateLimits = rateLimits
        self.historyWindow = historyWindow
        self.allowInsecureWebhooks = allowInsecureWebhooks
        self.webhookTimeout = webhookTimeout
        self.webhookRetryDelays = webhookRetryDelays
        self.crcInterval = crcInterval
        self.maxWebhooks = maxWebhooks
        self.streamKeepAlive = streamKeepAlive
        self.maxStreamConnections = maxStreamConnections
        self.clock = clock
    }

    /// Every account, the primary one first.
    public var accounts: [EmulatorAccount] { [account] + additionalAccounts }
}

extension Duration {
    /// Whole and fractional seconds, for date arithmetic.
    var seconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}
