import Foundation
import KiamoTwitter
import XAPI

/// What X answered to a DM sent directly.
public struct SendReport: AdminReport {
    var account: String
    var recipientId: String
    var dmEventId: String
    var conversationId: String
    var rateLimit: RateLimitInfo?

    /// The report as text, one line each (see `AdminReport`).
    public var lines: [String] {
        ["sent from \(account) to \(recipientId)", "DM event id: \(dmEventId)", "conversation: \(conversationId)"]
            + (rateLimit.map { ["rate limit: \($0)"] } ?? [])
    }
}
