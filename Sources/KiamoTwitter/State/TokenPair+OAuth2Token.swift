import SharedState
import XAPI

// The X client's token pair and the state module's record of it hold the same four fields;
// these conversions are the only place the two meet.

extension TokenPair {
    /// The record of a pair X issued.
    public init(_ token: OAuth2Token) {
        self.init(accessToken: token.accessToken, refreshToken: token.refreshToken, expiresAt: token.expiresAt, scope: token.scope)
    }
}

extension OAuth2Token {
    /// The pair a stored record holds, as the X client sends it.
    public init(_ pair: TokenPair) {
        self.init(accessToken: pair.accessToken, refreshToken: pair.refreshToken, expiresAt: pair.expiresAt, scope: pair.scope)
    }
}
