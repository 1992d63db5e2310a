/// Refreshes a token pair with X (`POST /2/oauth2/token`, `grant_type=refresh_token`).
///
/// Throws `XAPIError` (an `invalid_grant` refusal when the refresh token was already used or revoked).
public typealias OAuth2Refresh = @Sendable (OAuth2Token) async throws -> OAuth2Token

/// Where the XAPI client gets a valid OAuth 2.0 access token and where refreshed pairs are kept.
///
/// X rotates refresh tokens: two refreshes of the same pair lock the account out. Implementations
/// therefore guarantee that, among every caller sharing the store, **one** refresh of a given pair
/// happens and the others wait for its result (`InMemoryOAuth2TokenStore`: the callers of one
/// process; the store on the shared state: every process on the same state). When a refresh fails with
/// `invalid_grant` because a sibling rotated the pair first, implementations re-read the stored
/// pair and return it instead of failing.
public protocol OAuth2TokenStore: Sendable {
    /// A token valid for at least `margin`, refreshed through `refresh` first when it is not.
    func validToken(margin: Duration, refresh: @escaping OAuth2Refresh) async throws -> OAuth2Token

    /// X answered 401 to `rejected`: returns a newer token, refreshing through `refresh` unless
    /// another caller already replaced `rejected`.
    func token(afterRejecting rejected: OAuth2Token, refresh: @escaping OAuth2Refresh) async throws -> OAuth2Token
}
