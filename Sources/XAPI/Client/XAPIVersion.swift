/// Which X API dialect the client speaks.
public enum XAPIVersion: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// X API v2 (`/2/dm_events`, `/2/users`...): the default.
    case v2 = "2"
    /// The legacy v1.1 Direct Message API the original sample used (`/1.1/direct_messages/events/...`).
    case v1_1 = "1.1"

    public var description: String { rawValue }
}
