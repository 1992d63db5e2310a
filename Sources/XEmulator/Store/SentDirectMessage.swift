import Foundation

/// A DM an account sent through the API (v2 or v1.1), as `GET /_emulator/sent` lists it.
public struct SentDirectMessage: Sendable, Equatable, Codable {
    /// The sending account's user id.
    public var account: String
    public var recipientID: String
    public var conversationID: String
    public var dmEventID: String
    public var text: String
    /// Media ids attached (X allows one).
    public var mediaIDs: [String]
    public var createdAt: Date
    /// `v2` or `v1.1`.
    public var api: String
}
