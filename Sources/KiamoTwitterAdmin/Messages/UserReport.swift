import KiamoTwitter
import XAPI

/// A user as X returned it and as Kiamo will name it.
public struct UserReport: AdminReport {
    var account: String
    var user: XUser
    /// `buildUserRecord`: the `senderName` of this user's messages.
    var userRecord: String
    /// True when the user is the configured account itself.
    var isAccount: Bool
    var rateLimit: RateLimitInfo?

    /// The report as text, one line each (see `AdminReport`).
    public var lines: [String] {
        var lines = [
            "id: \(user.id)",
            "name: \(user.name)",
            "username: @\(user.username)",
            "user record (Kiamo senderName): \(userRecord)",
        ]
        if isAccount { lines.append("this is the configured account \(account)") }
        if let rateLimit { lines.append("rate limit: \(rateLimit)") }
        return lines
    }
}
