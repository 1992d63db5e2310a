import Foundation
import SharedState

/// The state store's content at a glance.
public struct StateReport: AdminReport {
    public struct Account: Sendable, Encodable {
        public var account: String
        /// False for an account found in the store but not in this configuration.
        public var configured: Bool
        /// Masked: never the tokens themselves.
        public var token: TokenSummary?
        public var cursor: String?
        public var cursorUpdatedAt: Date?
        public var cachedUsers: Int
        public var cachedConversations: Int
    }

    public var stateURL: String
    public var cache: CachePolicy
    public var accounts: [Account]
    public var takenAt: Date

    public var lines: [String] {
        var lines = ["state \(stateURL)",
                     "cache: \(cache.enabled ? "on" : "off"), checkEveryInSecs \(cache.checkEveryInSecs), expirationInSecs \(cache.expirationInSecs)"]
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
