import Foundation
import KiamoTwitter
import SharedState
import XAPI

/// `auth check` and numbered test 04: asks X who the account's credentials belong to
/// (`users/me`, signed with OAuth 1.0a or with the stored OAuth 2.0 token, refreshed through the
/// shared store if it is about to expire) and reports the stored pair's version and expiry.
public struct CredentialCheck: Sendable {
    let session: AdminSession
    let account: AccountConfiguration

    /// The operation for `account`, through `session`.
    public init(session: AdminSession, account: AccountConfiguration) {
        self.session = session
        self.account = account
    }

    /// Runs it; throws when X or the state store refuses.
    public func run() async throws -> TokenReport {
        let client = try await session.client(for: account)
        let me = try await client.me().value
        guard me.id == account.userId else {
            throw AdminError.failed("the credentials of account \(account.userId) belong to X user \(me.id) (@\(me.username)); fix the account's userId or its credentials")
        }
        var token: StoredToken?
        if case .oauth2 = account.credentials {
            token = try await session.state().storedToken(account: account.userId)
        }
        return TokenReport(
            account: account.userId, method: account.credentials.methodName, action: "check", user: me, token: token,
            stored: false, now: Date())
    }
}
