/// A cached X user: what a Kiamo `senderName` (`name@username`) is built from.
public struct CachedUser: Sendable, Hashable, Codable {
    public var id: String
    public var name: String
    public var username: String

    public init(id: String, name: String, username: String) {
        self.id = id
        self.name = name
        self.username = username
    }
}
