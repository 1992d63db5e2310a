import Foundation

/// Checks a request's credentials as X does: OAuth 1.0a signatures (RFC 5849, HMAC-SHA1) against
/// the configured app and accounts, or OAuth 2.0 bearer tokens the emulator issued.
struct RequestAuthenticator: Sendable {
    let configuration: EmulatorConfiguration
    let store: EmulatorStore

    /// The user id of the caller of `request` on `route`, or why X would refuse it.
    /// `formParameters` are the decoded pairs of an `application/x-www-form-urlencoded` body
    /// (part of the OAuth 1.0a signature). An OAuth 1.0a caller carries the app's full
    /// permissions, on the routes that take it; a bearer token must hold the route's scopes.
    /// The app-only bearer token (`POST /oauth2/token`) is taken where the schema lists
    /// `BearerToken`, and user context where it lists `UserToken` or `OAuth2UserToken`.
    func authenticate(_ request: EmulatorRequest, route: Route, formParameters: [(String, String)]) -> Result<Caller, AuthFailure> {
        guard let header = request.header("authorization") else { return .failure(.missing) }
        let trimmed = header.drop { $0 == " " }
        if trimmed.count > 7, trimmed.prefix(7).lowercased() == "bearer " {
            guard route.dialect != .v1 else { return .failure(.bearerNotAccepted) }
            let token = trimmed.dropFirst(7).trimmingCharacters(in: " \t")
            let now = configuration.clock.now().timeIntervalSince1970
            let (isApp, grant) = store.withState { ($0.auth.isAppToken(token), $0.auth.access(token, now: now)) }
            if isApp { return route.credentials == .user ? .failure(.appOnlyNotAccepted) : .success(.app) }
            guard let grant else { return .failure(.invalidBearer) }
            guard route.credentials != .app else { return .failure(.userContextNotAccepted("OAuth 2.0 User Context")) }
            guard route.requiredScopes.allSatisfy(grant.scopes.contains) else { return .failure(.missingScopes) }
            return .success(.user(grant.userID))
        }
        let oauth: OAuth1Header
        do {
            oauth = try OAuth1Header.parse(header)
        } catch {
            return .failure(.malformed)
        }
        // Checked after the signature: a forged header is unauthorized whatever the endpoint.
        let verified = verify(oauth, request: request, formParameters: formParameters)
        if case .success = verified, !route.acceptsOAuth1 { return .failure(.oauth1NotAccepted) }
        if case .success = verified, route.credentials == .app { return .failure(.userContextNotAccepted("OAuth 1.0a User Context")) }
        return verified.map(Caller.user)
    }

    private func verify(_ oauth: OAuth1Header, request: EmulatorRequest, formParameters: [(String, String)]) -> Result<UInt64, AuthFailure> {
        guard OAuth1Signature.constantTimeEquals(oauth.consumerKey, configuration.consumerKey) else { return .failure(.unknownConsumerKey) }
        guard let account = configuration.accounts.first(where: { $0.accessToken == oauth.token }),
            let tokenSecret = account.accessTokenSecret, let userID = EmulatorUser.numericID(account.id)
        else { return .failure(.unknownToken) }
        let now = configuration.clock.now().timeIntervalSince1970
        let tolerance = configuration.timestampTolerance.seconds
        guard let timestamp = Double(oauth.timestamp), abs(now - timestamp) <= tolerance else { return .failure(.staleTimestamp) }
        guard let queryPairs = request.queryPairs else { return .failure(.badSignature) }
        let baseURI = OAuth1Signature.baseURI(scheme: "http", authority: request.authority ?? "localhost", path: request.path)
        let base = OAuth1Signature.baseString(method: request.method, baseURI: baseURI, parameters: queryPairs + formParameters + oauth.signedParameters)
        let expected = OAuth1Signature.sign(baseString: base, consumerSecret: configuration.consumerSecret, tokenSecret: tokenSecret)
        guard OAuth1Signature.constantTimeEquals(expected, oauth.signature) else { return .failure(.badSignature) }
        let fresh = store.withState {
            $0.auth.useNonce(consumerKey: oauth.consumerKey, token: oauth.token, nonce: oauth.nonce, now: now, window: tolerance)
        }
        guard fresh else { return .failure(.replayedNonce) }
        return .success(userID)
    }
}
