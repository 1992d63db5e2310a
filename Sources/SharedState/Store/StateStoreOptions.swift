import Foundation

/// Policies a state store applies, the same for every backend.
public struct StateStoreOptions: Sendable {
    /// The original connector's cache settings.
    public var cache: CachePolicy
    /// How long published inbound event ids are kept for deduplication. X lists 30 days of DMs.
    public var inboundRetention: Duration
    /// How long sent and failed send entries are kept (redelivered commands older than this
    /// would be sent again).
    public var sendRetention: Duration
    /// A claim older than this whose owner never completed it is treated as abandoned: the next
    /// claimer takes it over and is told the earlier outcome is unknown.
    public var staleClaimAfter: Duration
    /// When the shared rate-limit budgets start pacing calls.
    public var rateLimitPacing: RateLimitPacing
    /// The wall clock read for every expiry.
    public var clock: any StateClock
    /// How long the recipient lines wait for a parked or admitted head.
    public var recipientLine: RecipientLineRules.Timing

    /// Defaults: the original cache settings, 30 days of ledgers, claims stale after 5 minutes, pacing below 20%, the system clock.
    public init(
        cache: CachePolicy = CachePolicy(),
        inboundRetention: Duration = .seconds(30 * 24 * 3600),
        sendRetention: Duration = .seconds(30 * 24 * 3600),
        staleClaimAfter: Duration = .seconds(300),
        rateLimitPacing: RateLimitPacing = RateLimitPacing(),
        clock: any StateClock = SystemStateClock(),
        recipientLine: RecipientLineRules.Timing = RecipientLineRules.Timing()
    ) {
        self.cache = cache
        self.inboundRetention = inboundRetention
        self.sendRetention = sendRetention
        self.staleClaimAfter = staleClaimAfter
        self.rateLimitPacing = rateLimitPacing
        self.clock = clock
        self.recipientLine = recipientLine
    }
}
