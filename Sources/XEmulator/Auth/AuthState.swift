/// OAuth state that changes as clients use it: nonces seen, tokens issued, refresh tokens alive,
/// authorization codes pending. Times are Unix seconds from the emulator's clock.
struct AuthState: Sendable {
    struct AccessGrant: Sendable {
        var userID: UInt64
        var scopes: [String]
        var expiresAt: Double
    }

    struct RefreshGrant: Sendable {
        var userID: UInt64
        var scopes: [String]
    }

    struct CodeGrant: Sendable {
        var userID: UInt64
        var clientID: String
        var redirectURI: String
        var challenge: String
        var challengeMethod: String
        var scopes: [String]
        var expiresAt: Double
    }

    /// Nonce key → the time it was seen.
    private var nonces: [String: Double] = [:]
    private var noncesPrunedAt: Double = 0
    private(set) var accessTokens: [String: AccessGrant] = [:]
    private(set) var refreshTokens: [String: RefreshGrant] = [:]
    private var codes: [String: CodeGrant] = [:]
    /// The app-only bearer token, once issued: X hands the same one to every later request
    /// until it is invalidated, and it does not expire.
    private(set) var appToken: String?

    /// Records a nonce; `false` when the same consumer, token and nonce were seen within `window`
    /// seconds (a replay). Older entries are dropped, since their timestamps are refused anyway.
    mutating func useNonce(consumerKey: String, token: String, nonce: String, now: Double, window: Double) -> Bool {
        if now - noncesPrunedAt > window {
            nonces = nonces.filter { now - $0.value <= 2 * window }
            noncesPrunedAt = now
        }
        let key = "\(consumerKey)\u{0}\(token)\u{0}\(nonce)"
        if let seen = nonces[key], now - seen <= 2 * window { return false }
        nonces[key] = now
        return true
    }

    mutating func clearNonces() {
        nonces = [:]
    }

    /// The grant of a bearer token; `nil` when unknown or expired.
    func access(_ token: String, now: Double) -> AccessGrant? {
        guard let grant = accessTokens[token], grant.expiresAt > now else { return nil }
        return grant
    }

    mutating func issueAccess(_ token: String, grant: AccessGrant) {
        accessTokens[token] = grant
    }

    mutating func addRefresh(_ token: String, grant: RefreshGrant) {
        refreshTokens[token] = grant
    }

    /// Consumes a refresh token: it answers once, never again.
    mutating func takeRefresh(_ token: String) -> RefreshGrant? {
        refreshTokens.removeValue(forKey: token)
    }

    mutating func addCode(_ code: String, grant: CodeGrant) {
        codes[code] = grant
    }

    /// Consumes an authorization code (single use, whether the exchange then succeeds or not).
    mutating func takeCode(_ code: String, now: Double) -> CodeGrant? {
        guard let grant = codes.removeValue(forKey: code), grant.expiresAt > now else { return nil }
        return grant
    }

    /// The app-only token, issuing it on first use.
    mutating func issueAppToken() -> String {
        if let appToken { return appToken }
        let token = RandomToken.make(bytes: 48)
        appToken = token
        return token
    }

    func isAppToken(_ token: String) -> Bool {
        guard let appToken else { return false }
        return OAuth1Signature.constantTimeEquals(appToken, token)
    }

    /// Forgets every token and code.
    mutating func revokeAll() {
        appToken = nil
        accessTokens = [:]
        refreshTokens = [:]
        codes = [:]
    }

    /// Drops expired access tokens, so a long benchmark does not grow the table.
    mutating func pruneExpired(now: Double) {
        accessTokens = accessTokens.filter { $0.value.expiresAt > now }
    }
}
