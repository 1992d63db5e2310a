/// How the client authenticates: OAuth 1.0a signatures or an OAuth 2.0 user token.
///
/// Like the credential types it wraps, it never shows a secret when printed or dumped.
public enum XCredentials: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// Every request signed with HMAC-SHA1 (RFC 5849); the only method of the v1.1 dialect.
    case oauth1(OAuth1Credentials)
    /// Every request carries `Authorization: Bearer`, refreshed through the token store.
    case oauth2(OAuth2Credentials)

    public var description: String {
        switch self {
        case .oauth1(let credentials): credentials.description
        case .oauth2(let credentials): credentials.description
        }
    }

    public var debugDescription: String { description }

    public var customMirror: Mirror {
        switch self {
        case .oauth1(let credentials): Mirror(self, children: ["oauth1": credentials])
        case .oauth2(let credentials): Mirror(self, children: ["oauth2": credentials])
        }
    }
}
