/// What `POST /_emulator/reset` clears beyond the default.
///
/// A reset always clears DMs, conversations, media, the sent list, stats, faults, OAuth 1.0a
/// nonces and rate-limit windows. It keeps the configuration, the users and the OAuth 2.0 tokens
/// issued so far (so a running worker stays authenticated), unless told otherwise here.
public struct ResetOptions: Sendable, Equatable, Codable {
    /// Also forget every user except the configured accounts.
    public var users: Bool
    /// Also revoke every issued access and refresh token and authorization code, and accept the
    /// configured initial refresh tokens again.
    public var tokens: Bool

    /// The default reset keeps users and tokens.
    public init(users: Bool = false, tokens: Bool = false) {
        self.users = users
        self.tokens = tokens
    }
}
