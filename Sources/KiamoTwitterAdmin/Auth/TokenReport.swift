import Foundation
import KiamoTwitter
import SharedState
import XAPI

/// An account's credentials as `auth check | refresh | login` report them: the method, the user X
/// says they belong to, and for OAuth 2.0 the stored pair's version and expiry (never the tokens).
public struct TokenReport: AdminReport {
    var account: String
    var method: String
    var action: String
    /// Who X says the credentials belong to, when it was asked.
    var user: XUser?
    var version: Int64?
    var expiresAt: Date?
    var expiresInSeconds: Int?
    var scope: String?
    var hasRefreshToken: Bool?
    /// True when this command stored a new pair.
    var stored: Bool

    init(account: String, method: String, action: String, user: XUser?, token: StoredToken?, stored: Bool, now: Date) {
        self.account = account
        self.method = method
        self.action = action
        self.user = user
        self.stored = stored
        if let token {
            version = token.version
            expiresAt = token.token.expiresAt
            expiresInSeconds = Int(token.token.expiresAt.timeIntervalSince(now).rounded(.down))
            scope = token.token.scope
            hasRefreshToken = token.token.refreshToken != nil
        }
    }

    /// The report as text, one line each (see `AdminReport`).
    public var lines: [String] {
        var lines = ["account \(account): \(method)"]
        if let user { lines.append("credentials accepted by X: user \(user.id) (@\(user.username))") }
        if let version, let expiresAt, let expiresInSeconds {
            let state = expiresInSeconds > 0 ? "valid for \(expiresInSeconds / 60) min \(expiresInSeconds % 60) s" : "expired"
            lines.append("stored token pair: version \(version), access token \(state) (until \(AdminJSON.time(expiresAt)))")
            lines.append("refresh token: \(hasRefreshToken == true ? "present" : "none (offline.access not granted)")\(scope.map { ", scope: \($0)" } ?? "")")
        }
        if stored { lines.append("stored in the state store; running workers use it from their next call") }
        return lines
    }
}
