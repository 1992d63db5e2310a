import struct Foundation.Date

/// An OAuth 2.0 user-context token pair as X issues it.
///
/// X rotates the refresh token on every refresh and kills the old one, so a pair is only ever
/// replaced as a whole. `description`, `debugDescription` and the reflected mirror (`dump`) never
/// show the secrets.
public struct OAuth2Token: Sendable, Codable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// Sent as `Authorization: Bearer`; lives two hours at X.
    public var accessToken: String
    /// Absent when the grant did not include `offline.access`.
    public var refreshToken: String?
    /// When X stops accepting `accessToken`.
    public var expiresAt: Date
    /// The granted scopes, space-separated, as X reported them.
    public var scope: String?

    /// A pair as X issued it, with the expiry made absolute.
    public init(accessToken: String, refreshToken: String?, expiresAt: Date, scope: String? = nil) {
        self.accessToken = accessToken
        self.refreshToken = refreshToken
        self.expiresAt = expiresAt
        self.scope = scope
    }

    /// True when the access token stays valid for at least `margin` after `now`.
    public func isValid(at now: Date, margin: Duration) -> Bool {
        expiresAt.timeIntervalSince(now) > margin.seconds
    }

    public var description: String {
        "OAuth2Token(access: ****, refresh: \(refreshToken == nil ? "none" : "****"), expiresAt: \(expiresAt))"
    }

    public var debugDescription: String { description }

    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "accessToken": "****", "refreshToken": refreshToken == nil ? "none" : "****", "expiresAt": expiresAt, "scope": scope as Any,
            ])
    }
}
