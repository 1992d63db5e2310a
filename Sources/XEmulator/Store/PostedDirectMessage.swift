import Foundation

/// What the store created for a posted DM or event.
public struct PostedDirectMessage: Sendable, Equatable, Codable {
    /// The event id (a snowflake of `createdAt`).
    public var id: String
    public var conversationID: String
    public var createdAt: Date
}
