import struct Foundation.Date

/// An `OAuth2TokenStore` in memory, for one process: tests, the command-line tester, a single
/// worker without shared state.
///
/// Refresh is single-flight: however many callers find the token expiring (or rejected) at once,
/// one refresh runs and every caller gets its result. The refresh runs in its own task, so a
/// cancelled caller does not abandon a rotation X has already performed.
public actor InMemoryOAuth2TokenStore: OAuth2TokenStore {
    private var token: OAuth2Token
    private var refreshing: Task<OAuth2Token, any Error>?
    private let clock: @Sendable () -> Date

    /// - Parameter clock: the current time, to judge expiry.
    public init(token: OAuth2Token, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.token = token
        self.clock = clock
    }

    /// The pair currently stored.
    public var current: OAuth2Token { token }

    /// Replaces the stored pair (after a login); a refresh in flight finishes but no longer overwrites it.
    public func replace(with newToken: OAuth2Token) {
        token = newToken
        refreshing = nil
    }

    /// The stored token when valid for `margin`; else the result of one shared refresh.
    public func validToken(margin: Duration, refresh: @escaping OAuth2Refresh) async throws -> OAuth2Token {
        if refreshing == nil, token.isValid(at: clock(), margin: margin) { return token }
        return try await refreshOnce(refresh)
    }

    /// The stored token if it already replaced `rejected`; else the result of one shared refresh.
    public func token(afterRejecting rejected: OAuth2Token, refresh: @escaping OAuth2Refresh) async throws -> OAuth2Token {
        if refreshing == nil, token.accessToken != rejected.accessToken { return token }
        return try await refreshOnce(refresh)
    }

    /// Joins the refresh in flight, or starts one from the stored pair.
    private func refreshOnce(_ refresh: @escaping OAuth2Refresh) async throws -> OAuth2Token {
        if let refreshing { return try await refreshing.value }
        let stale = token
        let task = Task { try await refresh(stale) }
        refreshing = task
        do {
            let fresh = try await task.value
            if refreshing == task {
                token = fresh
                refreshing = nil
            }
            return fresh
        } catch {
            if refreshing == task { refreshing = nil }
            throw error
        }
    }
}
