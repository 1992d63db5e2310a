/// OAuth 2.0 user-context credentials: the application's client id, its secret when it is a
/// confidential client, and the store holding the user's token pair.
///
/// The client id is public (it appears in authorize URLs) and is shown; the secret is masked
/// (`****`) in `description`, `debugDescription` and the reflected mirror, and the store is only
/// named by type.
public struct OAuth2Credentials: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The application's OAuth 2.0 client id (public).
    public var clientId: String
    /// Set for a confidential client (refreshes with HTTP Basic); `nil` for a public client
    /// (refreshes with `client_id` in the form).
    public var clientSecret: String?
    /// Where the current token pair is read and refreshed pairs are written.
    public var tokenStore: any OAuth2TokenStore

    /// Credentials of a public client (no secret) or a confidential one.
    public init(clientId: String, clientSecret: String? = nil, tokenStore: any OAuth2TokenStore) {
        self.clientId = clientId
        self.clientSecret = clientSecret
        self.tokenStore = tokenStore
    }

    public var description: String {
        "OAuth2Credentials(clientId: \(clientId), clientSecret: \(clientSecret == nil ? "none (public client)" : "****"), tokenStore: \(type(of: tokenStore)))"
    }

    public var debugDescription: String { description }

    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "clientId": clientId,
                "clientSecret": clientSecret == nil ? "none" : "****",
                "tokenStore": "\(type(of: tokenStore))",
            ])
    }
}
