/// An X account as the engines need it: id, display name and username.
///
/// `name` and `username` are empty when X left them out (the schema makes every user field optional).
public struct XUser: Sendable, Hashable, Codable {
    /// Numeric id as a decimal string.
    public var id: String
    /// Display name ("Jane Doe").
    public var name: String
    /// Handle without the `@` ("janedoe"); v1.1's `screen_name`.
    public var username: String

    /// A user as the dialects map it.
    public init(id: String, name: String, username: String) {
        self.id = id
        self.name = name
        self.username = username
    }
}
