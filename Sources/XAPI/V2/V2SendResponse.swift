/// 201 answer to a sent DM: both ids are required by the official schema.
struct V2SendResponse: Decodable, Sendable {
    struct Sent: Decodable, Sendable {
        var dmConversationId: String
        var dmEventId: WireSnowflake
        private enum CodingKeys: String, CodingKey {
            case dmConversationId = "dm_conversation_id"
            case dmEventId = "dm_event_id"
        }
    }

    var data: Sent
}
