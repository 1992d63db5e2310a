/// `GET /1.1/direct_messages/events/list.json` answer: events newest first and the cursor of the
/// next (older) page.
struct V1EventsListResponse: Decodable, Sendable {
    /// Each event decoded on its own: one bad event is reported, not a failed page.
    var events: [LossyElement<V1Event>]?
    var nextCursor: String?

    private enum CodingKeys: String, CodingKey {
        case events
        case nextCursor = "next_cursor"
    }

    /// The common page: message events only, no users (v1.1 does not include them), and no next
    /// page when X's cursor is empty or `0`.
    func page(rateLimit: RateLimitInfo?) -> DMEventPage {
        let (events, undecodable) = LossyElement.split(self.events ?? [])
        let next = nextCursor.flatMap { $0.isEmpty || $0 == "0" ? nil : $0 }
        return DMEventPage(
            events: events.compactMap(\.event), users: [], media: events.compactMap(\.media), nextToken: next, rateLimit: rateLimit,
            undecodable: undecodable)
    }
}
