/// The `dm_event.fields` the emulator can write, in the order it writes them.
enum DMEventField: Int, Sendable, CaseIterable {
    case id
    case eventType
    case text
    case createdAt
    case senderID
    case conversationID
    case participantIDs
    case attachments
    case entities

    /// The name in `dm_event.fields` and in the JSON.
    var name: String {
        switch self {
        case .id: "id"
        case .eventType: "event_type"
        case .text: "text"
        case .createdAt: "created_at"
        case .senderID: "sender_id"
        case .conversationID: "dm_conversation_id"
        case .participantIDs: "participant_ids"
        case .attachments: "attachments"
        case .entities: "entities"
        }
    }

    /// What X returns when `dm_event.fields` is absent.
    static let defaults: Set<DMEventField> = [.id, .eventType, .text]
}
