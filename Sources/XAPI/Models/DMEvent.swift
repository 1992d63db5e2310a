import struct Foundation.Date

/// One Direct Message event, the same for both dialects.
///
/// Ids are X's 64-bit snowflakes as decimal strings, exactly as X sent them; compare them with
/// `numericId`, never as strings.
public struct DMEvent: Sendable, Hashable, Codable {
    /// The event's snowflake id, as X sent it.
    public var id: String
    /// `.messageCreate` for messages (the only kind the client lists).
    public var eventType: DMEventType
    /// The message text; empty for an event without text (an attachment alone, a join or leave).
    public var text: String
    /// When X recorded the event; `nil` when X left `created_at` out.
    public var createdAt: Date?
    /// Who sent it; `nil` for events without a sender.
    public var senderId: String?
    /// v2's `dm_conversation_id`; for v1.1 the one-to-one id X v2 would use (`lowerId-higherId`).
    public var conversationId: String?
    /// The conversation's participants when X lists them (v2 `participant_ids`; v1.1 sender and
    /// recipient).
    public var participantIds: [String]
    /// Keys of the attached media, resolved through the page's `media`.
    public var mediaKeys: [String]

    /// An event as the dialects map it (and tests and fakes build it).
    public init(
        id: String,
        eventType: DMEventType = .messageCreate,
        text: String,
        createdAt: Date?,
        senderId: String?,
        conversationId: String?,
        participantIds: [String] = [],
        mediaKeys: [String] = []
    ) {
        self.id = id
        self.eventType = eventType
        self.text = text
        self.createdAt = createdAt
        self.senderId = senderId
        self.conversationId = conversationId
        self.participantIds = participantIds
        self.mediaKeys = mediaKeys
    }

    /// The id as a number, for ordering events and comparing with a cursor; `nil` if X ever sent
    /// a non-numeric id.
    public var numericId: UInt64? { UInt64(id) }

    /// X's id of the one-to-one conversation between two users: both ids, numerically lower first.
    public static func oneToOneConversationId(_ a: String, _ b: String) -> String {
        let aFirst = (UInt64(a) ?? 0, a) <= (UInt64(b) ?? 0, b)
        return aFirst ? "\(a)-\(b)" : "\(b)-\(a)"
    }
}
