/// How requests are authenticated, built once from the configured credentials.
enum XRequestAuthorizer: Sendable {
    /// Sign each request.
    case oauth1(OAuth1Signer)
    /// Ask the store for a valid token before each request; refresh through the client on 401.
    case oauth2(store: any OAuth2TokenStore, client: OAuth2Client)
    /// The app's own bearer token (client credentials): push management and the activity stream.
    case app(AppBearerToken)
}
