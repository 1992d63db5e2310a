import Foundation

/// A DM an account sent through the API (v2 or v1.1), as `GET /_emulator/sent` lists it.
public struct SentDirectMessage: Sendable, Equatable, Codable {
    /// The sending account's user id.
    public var account: String
    /// The recipient's user id (the conversation id for a group message).
    public var recipientID: String
    /// The `dm_conversation_id` X answered.
    public var conversationID: String
    /// The `dm_event_id` X answered.
    public var dmEventID: String
    /// The text as received.
    public var text: String
    /// Media ids attached (X allows one).
    public var mediaIDs: [String]
    /// When the emulator accepted it.
    public var createdAt: Date
    /// `v2` or `v1.1`.
    public var api: String

    public init(
        account: String, recipientID: String, conversationID: String, dmEventID: String, text: String, mediaIDs: [String],
        createdAt: Date, api: String
    ) {
        self.account = account
        self.recipientID = recipientID
        self.conversationID = conversationID
        self.dmEventID = dmEventID
        self.text = text
        self.mediaIDs = mediaIDs
        self.createdAt = createdAt
        self.api = api
    }
}
