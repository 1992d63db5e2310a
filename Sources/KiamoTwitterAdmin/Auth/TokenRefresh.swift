import Foundation
import KiamoTwitter
import SharedState
import XAPI

/// `auth refresh`: replaces the account's OAuth 2.0 pair now, through the same single-flight
/// refresh the workers use (the shared lease), so a worker refreshing at the same moment never
/// burns the rotating refresh token twice.
public struct TokenRefresh: Sendable {
    let session: AdminSession
    let account: AccountConfiguration

    /// The operation for `account`, through `session`.
    public init(session: AdminSession, account: AccountConfiguration) {
        self.session = session
        self.account = account
    }

    /// Runs it; throws when X or the state store refuses.
    public func run() async throws -> TokenReport {
        let oauth = try await session.oauth2Client(for: account, command: "auth refresh")
        let configuration = session.configuration
        _ = try await session.client(for: account) // seeds the configured refresh token when none is stored
        let state = try await session.state()
        guard let current = try await state.storedToken(account: account.userId) else {
            throw StateStoreError.noToken(account: account.userId)
        }
        let shared = SharedOAuth2TokenStore(
            store: state, clock: state.options.clock, account: account.userId,
            leaseTTL: ConnectionFactory(configuration).tokenRefreshLeaseTTL, logger: session.logger)
        _ = try await shared.token(afterRejecting: OAuth2Token(current.token)) { try await oauth.refresh($0) }
        let fresh = try await state.storedToken(account: account.userId)
        return TokenReport(
            account: account.userId, method: account.credentials.methodName, action: "refresh", user: nil, token: fresh,
            stored: fresh?.version != current.version, now: Date())
    }
}
