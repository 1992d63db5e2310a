/// A cached one-to-one DM conversation: its id and the customer on the other side.
///
/// Looked up both ways: conversation id → participant, participant → conversation id.
public struct CachedConversation: Sendable, Hashable, Codable {
    /// X's `dm_conversation_id`.
    public var conversationId: String
    /// The customer's X user id.
    public var participantId: String

    /// A conversation and its participant.
    public init(conversationId: String, participantId: String) {
        self.conversationId = conversationId
        self.participantId = participantId
    }
}
