import Foundation

/// What the debug export shows of a token pair: never the secrets themselves.
public struct TokenSummary: Sendable, Hashable, Codable {
    /// `****` followed by at most the last 4 characters (only for tokens long enough that those
    /// reveal nothing), enough to tell two pairs apart.
    public var accessToken: String
    /// `****`, or nil when the grant has no refresh token.
    public var refreshToken: String?
    /// When the access token expires.
    public var expiresAt: Date
    /// The granted scopes.
    public var scope: String?
    /// The stored version.
    public var version: Int64
    /// When this version was stored.
    public var updatedAt: Date

    /// The masked view of a stored pair.
    public init(_ stored: StoredToken) {
        accessToken = Self.mask(stored.token.accessToken)
        refreshToken = stored.token.refreshToken.map { _ in "****" }
        expiresAt = stored.token.expiresAt
        scope = stored.token.scope
        version = stored.version
        updatedAt = stored.updatedAt
    }

    /// `****` plus the last 4 characters of a secret of at least 20 characters; `****` otherwise.
    public static func mask(_ secret: String) -> String {
        secret.count >= 20 ? "****" + secret.suffix(4) : "****"
    }
}
