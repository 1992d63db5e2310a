/// A cached one-to-one DM conversation: its id and the customer on the other side.
///
/// Looked up both ways: conversation id → participant, participant → conversation id.
public struct CachedConversation: Sendable, Hashable, Codable {
    public var conversationId: String
    public var participantId: String

    public init(conversationId: String, participantId: String) {
        self.conversationId = conversationId
        self.participantId = participantId
    }
}
