/// A cached X user: id, display name and username, what the original's `buildUserRecord` kept
/// and what a Kiamo sender name is made of.
///
/// The state module's own record, so SharedState depends on no X client (the core converts,
/// `CachedUser+XUser`). `name` and `username` are empty when X left them out.
public struct CachedUser: Sendable, Hashable, Codable {
    /// Numeric id as a decimal string.
    public var id: String
    /// Display name ("Jane Doe").
    public var name: String
    /// Handle without the `@` ("janedoe").
    public var username: String

    /// A user record.
    public init(id: String, name: String, username: String) {
        self.id = id
        self.name = name
        self.username = username
    }
}
