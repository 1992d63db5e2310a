import struct Foundation.Date

/// An OAuth 2.0 user-context token pair as X issues it.
///
/// X rotates the refresh token on every refresh and kills the old one, so a pair is only ever
/// replaced as a whole. `description` never shows the secrets.
public struct OAuth2Token: Sendable, Codable, Hashable, CustomStringConvertible {
    public var accessToken: String
    /// Absent when the grant did not include `offline.access`.
    public var refreshToken: String?
    public var expiresAt: Date
    public var scope: String?

    public init(accessToken: String, refreshToken: String?, expiresAt: Date, scope: String? = nil) {
        self.accessToken = accessToken
        self.refreshToken = refreshToken
        self.expiresAt = expiresAt
        self.scope = scope
    }

    /// True when the access token stays valid for at least `margin` after `now`.
    public func isValid(at now: Date, margin: Duration) -> Bool {
        expiresAt.timeIntervalSince(now) > Double(margin.components.seconds) + Double(margin.components.attoseconds) / 1e18
    }

    public var description: String {
        "OAuth2Token(access: ****, refresh: \(refreshToken == nil ? "none" : "****"), expiresAt: \(expiresAt))"
    }
}
