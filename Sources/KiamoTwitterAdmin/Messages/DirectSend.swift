import Foundation
import KiamoTwitter
import XAPI
import XIdentifiers

/// `kiamo-twitter send` and numbered test 03: one DM posted straight to X, as the original's test
/// did, bypassing the queue and the send ledger (so it is not deduplicated: each run posts).
public struct DirectSend: Sendable {
    let session: AdminSession
    let account: AccountConfiguration

    /// The operation for `account`, through `session`.
    public init(session: AdminSession, account: AccountConfiguration) {
        self.session = session
        self.account = account
    }

    /// Posts `text` to `recipient`; throws a usage error for a non-numeric id or empty text.
    public func run(to recipient: String, text: String) async throws -> SendReport {
        guard XID.isValid(recipient) else {
            throw AdminError.usage("--to '\(recipient.prefix(40))' is not a numeric X user id")
        }
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw AdminError.usage("--text is empty: X does not post an empty DM")
        }
        let sent = try await session.client(for: account).sendDM(to: recipient, text: text)
        return SendReport(
            account: account.userId, recipientId: recipient, dmEventId: sent.dmEventId,
            conversationId: sent.conversationId, rateLimit: sent.rateLimit)
    }
}
