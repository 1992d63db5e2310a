import struct Foundation.Date

/// `POST /2/oauth2/token` success: `{token_type, expires_in, access_token, scope, refresh_token}`.
struct OAuth2TokenResponse: Decodable, Sendable {
    var accessToken: String
    var refreshToken: String?
    var expiresIn: Int?
    var scope: String?
    var tokenType: String?

    private enum CodingKeys: String, CodingKey {
        case scope
        case accessToken = "access_token"
        case refreshToken = "refresh_token"
        case expiresIn = "expires_in"
        case tokenType = "token_type"
    }

    /// X's access tokens live two hours; used when `expires_in` is missing.
    static let defaultLifetime = 7200

    /// The pair to keep: the expiry made absolute from `now`; the previous refresh token kept when
    /// X did not send a new one (RFC 6749 §6).
    func token(now: Date, previousRefreshToken: String?) -> OAuth2Token {
        OAuth2Token(
            accessToken: accessToken,
            refreshToken: refreshToken ?? previousRefreshToken,
            expiresAt: now.addingTimeInterval(Double(expiresIn ?? Self.defaultLifetime)),
            scope: scope
        )
    }
}
