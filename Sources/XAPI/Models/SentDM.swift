/// What X answered to a sent DM.
public struct SentDM: Sendable, Hashable {
    /// The new DM event's id (the delivery report's `dmEventId`).
    public var dmEventId: String
    /// The conversation it went to (v1.1: the one-to-one id computed from sender and recipient).
    public var conversationId: String
    /// The send endpoint's budget after this call.
    public var rateLimit: RateLimitInfo?

    /// A sent DM as the dialects map it.
    public init(dmEventId: String, conversationId: String, rateLimit: RateLimitInfo?) {
        self.dmEventId = dmEventId
        self.conversationId = conversationId
        self.rateLimit = rateLimit
    }
}
