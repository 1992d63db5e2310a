import Foundation

/// Where an account's OAuth 2.0 pair is kept for every process of a deployment.
///
/// Its own role because X rotates refresh tokens: a pair is only ever replaced by a
/// compare-and-set on the version a process read, so two processes that refresh at once cannot
/// both win (the loser would hold a dead refresh token). The single flight itself is
/// `SharedTokenRefresh`, built on this role and `LeaseStorage`.
public protocol TokenStorage: Sendable {
    /// The account's stored OAuth 2.0 pair, or nil when none was stored.
    func storedToken(account: String) async throws -> StoredToken?

    /// Stores `token` if the stored version is `expectedVersion` (nil: only if nothing is stored),
    /// as version + 1 (1 for the first); otherwise stores nothing and returns what is stored.
    func storeToken(account: String, _ token: TokenPair, ifVersion expectedVersion: Int64?) async throws -> TokenWrite
}

extension TokenStorage {
    /// Stores the first pair of an account (from configuration or a first sign-in) unless one is
    /// already stored, and returns the pair in force: a seed never overwrites a pair another
    /// process may have rotated since.
    public func seedToken(account: String, _ token: TokenPair) async throws -> StoredToken {
        switch try await storeToken(account: account, token, ifVersion: nil) {
        case .stored(let stored): return stored
        case .conflict(let current?): return current
        case .conflict(nil):
            // Unreachable: with nothing stored the insert applies. Answer as if it had vanished.
            throw StateStoreError.noToken(account: account)
        }
    }
}
