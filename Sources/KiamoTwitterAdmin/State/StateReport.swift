import Foundation
import KiamoTwitter
import SharedState

/// The state store's content at a glance.
public struct StateReport: AdminReport {
    /// One account in the store.
    public struct Account: Sendable, Encodable {
        var account: String
        /// False for an account found in the store but not in this configuration.
        var configured: Bool
        /// Masked: never the tokens themselves.
        var token: TokenSummary?
        var cursor: String?
        var cursorUpdatedAt: Date?
        var cachedUsers: Int
        var cachedConversations: Int
    }

    var stateURL: String
    var cache: CachePolicy
    var accounts: [Account]
    var takenAt: Date

    /// The report as text, one line each (see `AdminReport`).
    public var lines: [String] {
        var lines = [
            "state \(stateURL)",
            "cache: \(cache.enabled ? "on" : "off"), checkEveryInSecs \(cache.checkEveryInSecs), expirationInSecs \(cache.expirationInSecs)",
        ]
        if accounts.isEmpty { lines.append("no account has state yet") }
        for account in accounts {
            lines.append("account \(account.account)\(account.configured ? "" : " (not in this configuration)")")
            lines.append("  cursor (lastReadMessageId): \(account.cursor ?? "none")\(account.cursorUpdatedAt.map { ", moved \(AdminJSON.time($0))" } ?? "")")
            if let token = account.token {
                lines.append("  token: access \(token.accessToken), refresh \(token.refreshToken ?? "none"), version \(token.version), expires \(AdminJSON.time(token.expiresAt))")
            }
            lines.append("  cache: \(account.cachedUsers) user(s), \(account.cachedConversations) conversation(s)")
        }
        return lines
    }
}
