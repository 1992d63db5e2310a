import Foundation
import Logging

/// The refresh of one account's OAuth 2.0 pair, one at a time for every process on the same
/// state: X rotates the refresh token on every refresh and kills the old one, so two refreshes
/// of one pair would lock the account out.
///
/// Single-flight across processes: a caller needing a refresh takes the lease
/// `token-refresh` of the account; the holder re-reads (a sibling may have just refreshed),
/// refreshes, stores the new pair with a compare-and-set on the version it read, and releases.
/// Everyone else polls the store until the version changes and returns the new pair, waiting at
/// most `2 × leaseTTL`. A holder that dies frees the lease when it expires, and the next caller
/// takes over.
///
/// A refusal of the refresh (X's `invalid_grant`, recognised by `isRefreshRejected`: the state
/// module knows no X client) is first checked against the store: if the stored pair changed
/// since it was read, a sibling rotated first and its pair is returned; otherwise the refusal is
/// real and surfaces as `StateStoreError.refreshRejected` (sign in again).
///
/// `leaseTTL` must exceed the longest a refresh call can take (its HTTP timeout), so the lease
/// never expires under a live holder.
///
/// The X client reaches it through `SharedOAuth2TokenStore` (the core's adapter to the client's
/// token-store protocol); the refresh itself is a closure, so this type calls no network.
public struct SharedTokenRefresh: Sendable {
    /// Refreshes a pair with X; throws when X refuses or cannot be reached.
    public typealias Refresh = @Sendable (TokenPair) async throws -> TokenPair

    /// The lease name, under the account.
    public static let refreshLease = "token-refresh"

    /// Where the pair and the refresh lease live.
    public let store: any TokenStorage & LeaseStorage
    /// The clock expiries are read from: the store's (`StateStoreOptions.clock`).
    public let clock: any StateClock
    /// The account whose pair this refresh serves.
    public let account: String
    /// This process's prefix in the refresh lease's owner.
    public let owner: String
    /// How long a refresh may hold the lease; waiting callers give up after twice this.
    public let leaseTTL: Duration
    /// How often waiting callers re-read the store.
    public let pollInterval: Duration
    private let isRefreshRejected: @Sendable (any Error) -> Bool
    private let logger: Logger

    /// - Parameters:
    ///   - owner: this process's id in the lease (`OwnerID.make()` by default); each refresh
    ///     attempt adds a suffix of its own, so concurrent callers in one process also take turns.
    ///   - isRefreshRejected: recognises a refused refresh token (`invalid_grant`) among the
    ///     errors `Refresh` throws. Other refresh errors are rethrown as they are.
    public init(
        store: any TokenStorage & LeaseStorage,
        clock: any StateClock,
        account: String,
        owner: String = OwnerID.make(),
        leaseTTL: Duration = .seconds(30),
        pollInterval: Duration = .milliseconds(20),
        isRefreshRejected: @escaping @Sendable (any Error) -> Bool,
        logger: Logger
    ) {
        self.store = store
        self.clock = clock
        self.account = account
        self.owner = owner
        self.leaseTTL = leaseTTL
        self.pollInterval = pollInterval
        self.isRefreshRejected = isRefreshRejected
        self.logger = logger
    }

    /// The stored access token if it stays valid for `margin`; otherwise the pair one process
    /// refreshed (this one, under the lease, or a sibling). Throws `StateStoreError.noToken`,
    /// `.refreshRejected`, `.refreshTimedOut`, or the refresh's own (transient) error.
    public func validToken(margin: Duration, refresh: @escaping Refresh) async throws -> TokenPair {
        try await obtain(refresh: refresh) { stored in
            !stored.token.isValid(at: clock.now(), margin: margin)
        }
    }

    /// A pair other than `rejected`: the stored one if someone already replaced it, else a
    /// single-flight refresh. Same errors as `validToken`.
    public func token(afterRejecting rejected: TokenPair, refresh: @escaping Refresh) async throws -> TokenPair {
        try await obtain(refresh: refresh) { stored in
            stored.token.accessToken == rejected.accessToken
        }
    }

    /// Returns the stored pair once `needsRefresh` is false for it, refreshing (single-flight) or
    /// waiting for the process that does.
    private func obtain(refresh: @escaping Refresh, needsRefresh: (StoredToken) -> Bool) async throws -> TokenPair {
        let waitLimit = leaseTTL * 2
        let deadline = ContinuousClock.now + waitLimit
        while true {
            guard let stored = try await store.storedToken(account: account) else {
                throw StateStoreError.noToken(account: account)
            }
            if !needsRefresh(stored) { return stored.token }
            let flight = owner + "/" + String(UInt32.random(in: 0...UInt32.max), radix: 16)
            if try await store.acquireLease(account: account, name: Self.refreshLease, owner: flight, ttl: leaseTTL) != nil {
                return try await refreshHoldingLease(flight: flight, refresh: refresh, needsRefresh: needsRefresh)
            }
            try await waitForSibling(readVersion: stored.version, deadline: deadline, waitLimit: waitLimit)
        }
    }

    /// Polls until the stored version moves past `readVersion` or the lease is free again (its
    /// holder released it without storing, or died and it expired).
    private func waitForSibling(readVersion: Int64, deadline: ContinuousClock.Instant, waitLimit: Duration) async throws {
        while true {
            if ContinuousClock.now >= deadline {
                throw StateStoreError.refreshTimedOut(account: account, waited: waitLimit)
            }
            try await Task.sleep(for: pollInterval)
            if let stored = try await store.storedToken(account: account), stored.version != readVersion { return }
            if try await store.leaseHolder(account: account, name: Self.refreshLease) == nil { return }
        }
    }

    private func refreshHoldingLease(
        flight: String, refresh: @escaping Refresh, needsRefresh: (StoredToken) -> Bool
    ) async throws -> TokenPair {
        do {
            let token = try await refreshAndStore(refresh: refresh, needsRefresh: needsRefresh)
            await releaseLease(flight)
            return token
        } catch {
            await releaseLease(flight)
            throw error
        }
    }

    private func refreshAndStore(refresh: @escaping Refresh, needsRefresh: (StoredToken) -> Bool) async throws -> TokenPair {
        // Re-read under the lease: a sibling may have refreshed between our read and our lease.
        guard let current = try await store.storedToken(account: account) else {
            throw StateStoreError.noToken(account: account)
        }
        if !needsRefresh(current) { return current.token }

        let fresh: TokenPair
        do {
            fresh = try await refresh(current.token)
        } catch {
            // A refusal right after a sibling rotated the pair (possible only if it acted while our
            // lease was expiring) is not a failure: its pair is in the store.
            if let again = try await store.storedToken(account: account), again.version != current.version {
                logger.info("token refresh refused, but another worker had stored a newer pair; using it", metadata: ["account": "\(account)"])
                return again.token
            }
            if isRefreshRejected(error) {
                logger.error("X refused the refresh token; sign in again", metadata: ["account": "\(account)"])
                throw StateStoreError.refreshRejected(account: account)
            }
            throw error
        }

        var pair = fresh
        if pair.refreshToken == nil { pair.refreshToken = current.token.refreshToken }
        switch try await store.storeToken(account: account, pair, ifVersion: current.version) {
        case .stored(let stored):
            logger.debug("token refreshed", metadata: ["account": "\(account)", "version": "\(stored.version)"])
            return stored.token
        case .conflict(let winner):
            // Someone stored a pair while we refreshed (a sign-in, or a holder after our lease
            // expired). Keep theirs so every process converges on one pair.
            logger.warning("token refreshed but another pair was stored meanwhile; keeping the stored one", metadata: ["account": "\(account)"])
            return winner?.token ?? pair
        }
    }

    private func releaseLease(_ flight: String) async {
        do {
            _ = try await store.releaseLease(account: account, name: Self.refreshLease, owner: flight)
        } catch {
            // The lease expires by itself after `leaseTTL`.
            logger.warning("could not release the token-refresh lease", metadata: ["account": "\(account)", "error": "\(error)"])
        }
    }
}
