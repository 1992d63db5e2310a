import CurlHTTP
import Foundation
import Logging
import SharedState
import XAPI

/// Builds the X client of each configured account: its dialect and credentials from the
/// configuration, OAuth 2.0 tokens through the shared state (one refresh across every process),
/// and every call reported to the shared rate-limit budget and the metrics.
public struct AccountClientFactory: Sendable {
    /// The state roles an account's client uses: its token pair, the refresh lease that makes
    /// one refresh at a time, and the rate-limit budget every call reports to.
    public typealias State = TokenStorage & LeaseStorage & RateLimitBudgets

    public let configuration: Configuration
    public let state: any State
    /// The clock token expiries are read from: the state store's (`StateStoreOptions.clock`).
    public let clock: any StateClock
    public let http: HTTPClient
    let logger: Logger

    public init(configuration: Configuration, state: any State, clock: any StateClock, http: HTTPClient, logger: Logger) {
        self.configuration = configuration
        self.state = state
        self.clock = clock
        self.http = http
        self.logger = logger
    }

    /// The client of `account`, seeding the state store with the configured refresh token when it
    /// holds no token for the account yet (a stored pair, possibly rotated since, always wins).
    public func client(for account: AccountConfiguration) async throws -> MeteredXClient {
        let credentials: XCredentials
        switch account.credentials {
        case .oauth1(let consumerKey, let consumerSecret, let oauthToken, let oauthTokenSecret):
            credentials = .oauth1(
                OAuth1Credentials(
                    consumerKey: consumerKey.reveal(), consumerSecret: consumerSecret.reveal(),
                    oauthToken: oauthToken.reveal(), oauthTokenSecret: oauthTokenSecret.reveal()))
        case .oauth2(let clientId, let clientSecret, let refreshToken):
            if let refreshToken {
                // An expired access token: the first call refreshes, under the shared lease.
                _ = try await state.seedToken(
                    account: account.userId,
                    TokenPair(
                        accessToken: "", refreshToken: refreshToken.reveal(), expiresAt: Date(timeIntervalSince1970: 0)))
            }
            let store = SharedOAuth2TokenStore(
                store: state, clock: clock, account: account.userId,
                leaseTTL: ConnectionFactory(configuration).tokenRefreshLeaseTTL,
                logger: logger
            )
            credentials = .oauth2(OAuth2Credentials(clientId: clientId.reveal(), clientSecret: clientSecret?.reveal(), tokenStore: store))
        }
        let client = try XAPIClient(
            configuration: ConnectionFactory(configuration).xAPIConfiguration(credentials: credentials),
            transport: http,
            logger: logger
        )
        return MeteredXClient(client, account: account.userId, state: state, logger: logger)
    }
}
