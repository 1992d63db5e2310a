/// A v2 `DmEvent` as the official schema describes it; only `id` is required.
struct V2DMEvent: Decodable, Sendable {
    struct Attachments: Decodable, Sendable {
        var mediaKeys: [String]?
        private enum CodingKeys: String, CodingKey { case mediaKeys = "media_keys" }
    }

    var id: WireSnowflake
    var eventType: String?
    var text: String?
    var createdAt: WireRFC3339Date?
    var senderId: WireSnowflake?
    var dmConversationId: String?
    var participantIds: [WireSnowflake]?
    var attachments: Attachments?

    private enum CodingKeys: String, CodingKey {
        case id, text, attachments
        case eventType = "event_type"
        case createdAt = "created_at"
        case senderId = "sender_id"
        case dmConversationId = "dm_conversation_id"
        case participantIds = "participant_ids"
    }

    var event: DMEvent {
        DMEvent(
            id: id.value,
            eventType: eventType.map(DMEventType.init(rawValue:)) ?? .messageCreate,
            text: text ?? "",
            createdAt: createdAt?.date,
            senderId: senderId?.value,
            conversationId: dmConversationId,
            participantIds: participantIds?.map(\.value) ?? [],
            mediaKeys: attachments?.mediaKeys ?? []
        )
    }
}
