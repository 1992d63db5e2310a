import Foundation
import XAPI

/// What X answered to a DM sent directly.
public struct SendReport: AdminReport {
    public var account: String
    public var recipientId: String
    public var dmEventId: String
    public var conversationId: String
    public var rateLimit: RateLimitInfo?

    public var lines: [String] {
        ["sent from \(account) to \(recipientId)", "DM event id: \(dmEventId)", "conversation: \(conversationId)"]
            + (rateLimit.map { ["rate limit: \($0)"] } ?? [])
    }
}
