import Foundation
import Logging
import SharedState
import XAPI

/// The X client's token store of one account, kept in the shared state: XAPI's
/// `OAuth2TokenStore` on top of `SharedTokenRefresh`, so every process on the same state makes
/// one refresh at a time (X rotates refresh tokens) and recovers an `invalid_grant` a sibling's
/// rotation caused.
///
/// Here, in the core, because it joins two modules that know nothing of each other: the X client
/// (`OAuth2Token`, `XAPIError`) and the state module (`TokenPair`, leases). It only converts;
/// the single flight, its waits and its errors are `SharedTokenRefresh`'s.
public struct SharedOAuth2TokenStore: OAuth2TokenStore {
    /// The single flight this adapter delegates to.
    public let flight: SharedTokenRefresh

    /// - Parameters:
    ///   - clock: the clock expiries are read from: the store's (`StateStoreOptions.clock`).
    ///   - owner: this process's id in the lease (`OwnerID.make()` by default); each refresh
    ///     attempt adds a suffix of its own, so concurrent callers in one process also take turns.
    ///   - leaseTTL: must exceed the longest a refresh call can take (its HTTP timeout).
    ///   - isRefreshRejected: recognises a refused refresh token (`invalid_grant`); by default
    ///     `XAPIError.refreshRejected`. Other refresh errors are rethrown as they are.
    public init(
        store: any TokenStorage & LeaseStorage,
        clock: any StateClock,
        account: String,
        owner: String = OwnerID.make(),
        leaseTTL: Duration = .seconds(30),
        pollInterval: Duration = .milliseconds(20),
        isRefreshRejected: @escaping @Sendable (any Error) -> Bool = SharedOAuth2TokenStore.isXAPIRefreshRejection,
        logger: Logger
    ) {
        flight = SharedTokenRefresh(
            store: store, clock: clock, account: account, owner: owner, leaseTTL: leaseTTL, pollInterval: pollInterval,
            isRefreshRejected: isRefreshRejected, logger: logger
        )
    }

    /// True for X's refusal of a refresh token (`XAPIError.refreshRejected`).
    public static func isXAPIRefreshRejection(_ error: any Error) -> Bool {
        if case .refreshRejected = error as? XAPIError { return true }
        return false
    }

    /// The stored access token if it stays valid for `margin`; otherwise the pair one process
    /// refreshed. Throws what `SharedTokenRefresh.validToken` throws.
    public func validToken(margin: Duration, refresh: @escaping OAuth2Refresh) async throws -> OAuth2Token {
        OAuth2Token(try await flight.validToken(margin: margin, refresh: Self.adapt(refresh)))
    }

    /// A pair other than `rejected`: the stored one if someone already replaced it, else a
    /// single-flight refresh. Throws what `SharedTokenRefresh.token(afterRejecting:)` throws.
    public func token(afterRejecting rejected: OAuth2Token, refresh: @escaping OAuth2Refresh) async throws -> OAuth2Token {
        OAuth2Token(try await flight.token(afterRejecting: TokenPair(rejected), refresh: Self.adapt(refresh)))
    }

    /// The X client's refresh as the state module calls it.
    private static func adapt(_ oauthRefresh: @escaping OAuth2Refresh) -> SharedTokenRefresh.Refresh {
        { pair in TokenPair(try await oauthRefresh(OAuth2Token(pair))) }
    }
}
