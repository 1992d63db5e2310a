import Foundation

/// An OAuth 2.0 token pair as the state module stores it: the access token, the rotating
/// refresh token, the expiry and the scopes.
///
/// The state module's own record rather than the X client's type, so SharedState depends on no
/// client (the module map reads one way: the X client side adapts, `TokenPair+OAuth2Token` in
/// the core). A pair is only ever replaced as a whole, since X kills the old refresh token on
/// every refresh. `description`, `debugDescription` and the reflected mirror (`dump`) never show
/// the secrets.
public struct TokenPair: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// Sent as `Authorization: Bearer`.
    public var accessToken: String
    /// Absent when the grant did not include `offline.access`.
    public var refreshToken: String?
    /// When the access token stops being accepted.
    public var expiresAt: Date
    /// The granted scopes, space-separated.
    public var scope: String?

    /// A pair with its absolute expiry.
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
        "TokenPair(access: ****, refresh: \(refreshToken == nil ? "none" : "****"), expiresAt: \(expiresAt))"
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
