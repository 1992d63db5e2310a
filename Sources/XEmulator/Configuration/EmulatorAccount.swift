/// An X account the emulator serves: the user, and the credentials through which an API client
/// acts as that user (OAuth 1.0a access token and secret; OAuth 2.0 initial refresh token).
public struct EmulatorAccount: Sendable, Equatable {
    /// The user id (digits, as X writes ids).
    public var id: String
    /// The handle, without `@`.
    public var username: String
    /// The display name.
    public var name: String
    /// OAuth 1.0a access token of this user for the configured app; `nil` refuses OAuth 1.0a for it.
    public var accessToken: String?
    /// OAuth 1.0a access token secret.
    public var accessTokenSecret: String?
    /// The refresh token the emulator accepts first for this user (OAuth 2.0); it rotates on use.
    public var refreshToken: String?
    /// Scopes of tokens obtained through `refreshToken`.
    public var scopes: [String]

    /// The scopes the project asks for: `dm.read dm.write tweet.read users.read media.write offline.access`.
    public static let defaultScopes = ["dm.read", "dm.write", "tweet.read", "users.read", "media.write", "offline.access"]

    /// An account; without OAuth 1.0a credentials it can only be used through OAuth 2.0, and the reverse.
    public init(
        id: String,
        username: String,
        name: String,
        accessToken: String? = nil,
        accessTokenSecret: String? = nil,
        refreshToken: String? = nil,
        scopes: [String] = EmulatorAccount.defaultScopes
    ) {
        self.id = id
        self.username = username
        self.name = name
        self.accessToken = accessToken
        self.accessTokenSecret = accessTokenSecret
        self.refreshToken = refreshToken
        self.scopes = scopes
    }
}
