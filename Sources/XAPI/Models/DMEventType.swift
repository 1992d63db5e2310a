/// The kind of a DM event, in v2's vocabulary (v1.1's `message_create` maps to `.messageCreate`).
public struct DMEventType: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    /// A message: the only kind the engines publish.
    public static let messageCreate = DMEventType(rawValue: "MessageCreate")
    /// Someone joined a group conversation.
    public static let participantsJoin = DMEventType(rawValue: "ParticipantsJoin")
    /// Someone left a group conversation.
    public static let participantsLeave = DMEventType(rawValue: "ParticipantsLeave")

    public var description: String { rawValue }
}
