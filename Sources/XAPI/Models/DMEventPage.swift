/// One page of DM events, newest first, with what is needed to map them without further calls.
public struct DMEventPage: Sendable, Hashable {
    /// Events newest first (message events only: the client asks X for `MessageCreate`).
    public var events: [DMEvent]
    /// The senders of the page's events (v2 `includes.users`); always empty for v1.1, whose
    /// senders are looked up through the shared user cache.
    public var users: [XUser]
    /// The media the page's events refer to.
    public var media: [XMedia]
    /// Pass to the next call to read older events; `nil` on the last page.
    public var nextToken: String?
    /// The endpoint's budget after this call.
    public var rateLimit: RateLimitInfo?
    /// Events of X's answer that could not be decoded, left out of `events` (log them).
    public var undecodable: [UndecodableEvent]

    /// A page as the dialects build it.
    public init(
        events: [DMEvent], users: [XUser] = [], media: [XMedia] = [], nextToken: String?, rateLimit: RateLimitInfo?,
        undecodable: [UndecodableEvent] = []
    ) {
        self.events = events
        self.users = users
        self.media = media
        self.nextToken = nextToken
        self.rateLimit = rateLimit
        self.undecodable = undecodable
    }
}
