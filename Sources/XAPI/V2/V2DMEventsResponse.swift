/// `GET /2/dm_events` and `GET /2/dm_conversations/with/{participant_id}/dm_events` answers.
struct V2DMEventsResponse: Decodable, Sendable {
    struct Meta: Decodable, Sendable {
        var nextToken: String?
        var resultCount: Int?
        private enum CodingKeys: String, CodingKey {
            case nextToken = "next_token"
            case resultCount = "result_count"
        }
    }

    /// Absent when there is no event; each event decoded on its own, so one bad event is
    /// reported instead of failing the page.
    var data: [LossyElement<V2DMEvent>]?
    var includes: V2Includes?
    var meta: Meta?

    func page(rateLimit: RateLimitInfo?) -> DMEventPage {
        let (events, undecodable) = LossyElement.split(data ?? [])
        return DMEventPage(
            events: events.map(\.event),
            users: includes?.users?.map(\.user) ?? [],
            media: includes?.media?.compactMap(\.media) ?? [],
            nextToken: meta?.nextToken.flatMap { $0.isEmpty ? nil : $0 },
            rateLimit: rateLimit,
            undecodable: undecodable
        )
    }
}
