/// `GET /1.1/direct_messages/events/list.json` answer: events newest first and the cursor of the
/// next (older) page.
struct V1EventsListResponse: Decodable, Sendable {
    var events: [V1Event]?
    var nextCursor: String?

    private enum CodingKeys: String, CodingKey {
        case events
        case nextCursor = "next_cursor"
    }
}
