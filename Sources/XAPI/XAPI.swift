// XAPI: the X (Twitter) API client kiamo-twitter's engines use.
//
// Role: list, read and send Direct Messages and look users up, in X API v2 or the legacy v1.1
// dialect (chosen by configuration, one `XDirectMessageClient` protocol for both), signed with
// OAuth 1.0a or an OAuth 2.0 user token that is refreshed through an `OAuth2TokenStore`. Every
// result and error carries X's rate-limit headers; every failure is a typed, secret-free `XAPIError`.
//
// Threading rule: nothing here blocks. Every type is `Sendable` and immutable, or an actor
// (`InMemoryOAuth2TokenStore`); network I/O goes through an `XHTTPTransport` (CurlHTTP's
// `HTTPClient` in production, whose own thread owns libcurl) and is awaited, never waited on.

/// Names and constants of the X API that more than one file needs.
public enum XAPI {
    /// X's production API host; configurations default to it and tests point elsewhere.
    public static let defaultBaseURL = "https://api.x.com"
    /// Where X serves DM media to OAuth 1.0a user context (its v1.1 `media_url`s).
    public static let defaultMediaBaseURL = "https://ton.twitter.com"

    /// Where a person grants the application access (OAuth 2.0 authorization-code flow).
    public static let defaultAuthorizeURL = "https://x.com/i/oauth2/authorize"

    /// The scopes kiamo-twitter needs: read and write DMs, read users, upload replies' media, and
    /// a refresh token.
    public static let defaultScopes = ["dm.read", "dm.write", "tweet.read", "users.read", "media.write", "offline.access"]

    /// Longest DM text X accepts, in Unicode code points after NFC normalization.
    public static let maxDMTextLength = 10_000
}
