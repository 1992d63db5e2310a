/// A cached X user: what a Kiamo `senderName` (`name@username`) is built from.
public struct CachedUser: Sendable, Hashable, Codable {
    /// The X user id.
    public var id: String
    /// The display name.
    public var name: String
    /// The handle, without `@`.
    public var username: String

    /// A user as X describes it.
    public init(id: String, name: String, username: String) {
        self.id = id
        self.name = name
        self.username = username
    }
}
