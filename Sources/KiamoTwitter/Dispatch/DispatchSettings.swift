/// How the dispatch engine works, from the configuration's `dispatch.*` keys and `api.timeout`.
public struct DispatchSettings: Sendable {
    /// Unacknowledged commands the broker hands over at once (`dispatch.prefetch`).
    public var prefetch: Int
    /// DMs in flight at once per account (`dispatch.concurrencyPerAccount`).
    public var concurrencyPerAccount: Int
    /// Backoff tiers and the attempts before a dead letter (`dispatch.retryDelays`, `dispatch.maxAttempts`).
    public var retry: RetryPolicy
    /// Deliveries of one command that may begin and never settle before it is dead-lettered
    /// (`dispatch.maxDeliveries`): a command that kills the worker or its connection each time.
    public var maxDeliveries: Int
    /// Split replies over 10,000 characters (`dispatch.splitLongMessages`).
    public var splitLongMessages: Bool
    /// Largest command body accepted (`dispatch.maxCommandBytes`).
    public var maxCommandBytes: Int
    /// The least wait before a command whose DM may have been posted is verified and tried
    /// again: the X request timeout (`api.timeout`), so X had as long again to finish the request.
    public var minimumUnknownWait: Duration
    /// Rate-limit waits up to this long are waited in memory; longer ones park the command in a retry tier.
    public var maxInMemoryWait: Duration
    /// Pages of a conversation read to verify an unknown outcome (100 events each).
    public var verificationPages: Int
    /// Pause before a command that could not be settled (broker or state store failure) is handed back.
    public var requeueDelay: Duration
    /// How often the send ledger forgets entries older than `dispatch.sentRetention`.
    public var pruneInterval: Duration
    /// `app_id` of the reports.
    public var appId: String
    /// Where a reply's attachment may come from (`dispatch.attachments.*`).
    public var attachments: ReplyMediaSettings = ReplyMediaSettings()

    /// Settings with the configuration's defaults except `retry`.
    public init(
        prefetch: Int = 32, concurrencyPerAccount: Int = 8, retry: RetryPolicy, maxDeliveries: Int = 20, splitLongMessages: Bool = false,
        maxCommandBytes: Int = 262_144, minimumUnknownWait: Duration = .seconds(30), maxInMemoryWait: Duration = .seconds(2),
        verificationPages: Int = 20, requeueDelay: Duration = .seconds(1), pruneInterval: Duration = .seconds(3600),
        appId: String = WireContract.AppID.dispatch
    ) {
        self.prefetch = prefetch
        self.concurrencyPerAccount = concurrencyPerAccount
        self.retry = retry
        self.maxDeliveries = maxDeliveries
        self.splitLongMessages = splitLongMessages
        self.maxCommandBytes = maxCommandBytes
        self.minimumUnknownWait = minimumUnknownWait
        self.maxInMemoryWait = maxInMemoryWait
        self.verificationPages = verificationPages
        self.requeueDelay = requeueDelay
        self.pruneInterval = pruneInterval
        self.appId = appId
    }

    /// The configuration's settings.
    public init(_ configuration: Configuration) {
        let dispatch = configuration.dispatch
        self.init(
            prefetch: dispatch.prefetch,
            concurrencyPerAccount: dispatch.concurrencyPerAccount,
            retry: RetryPolicy(tiers: dispatch.retryDelays, maxAttempts: dispatch.maxAttempts),
            maxDeliveries: dispatch.maxDeliveries,
            splitLongMessages: dispatch.splitLongMessages,
            maxCommandBytes: dispatch.maxCommandBytes,
            minimumUnknownWait: configuration.api.timeout,
            appId: "\(configuration.service)-dispatch"
        )
        attachments = dispatch.attachments
    }
}
