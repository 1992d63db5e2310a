import Foundation

/// What the store created for a posted DM or event.
public struct PostedDirectMessage: Sendable, Equatable, Codable {
    /// The event id (a snowflake of `createdAt`).
    public var id: String
    /// The `dm_conversation_id`.
    public var conversationID: String
    /// The `created_at` (as given, or now).
    public var createdAt: Date
}
