import AMQP
import Foundation
import KiamoTwitter
import SharedState

/// The deployment at a glance.
public struct StatusReport: AdminReport {
    /// A queue of the topology: present or not, its ready messages and consumers.
    public struct QueueState: Sendable, Encodable, Hashable {
        var name: String
        var present: Bool
        var messages: Int?
        var consumers: Int?
    }

    /// The stored OAuth 2.0 pair of an account: version and expiry, never the tokens.
    public struct TokenState: Sendable, Encodable, Hashable {
        var stored: Bool
        var version: Int64?
        var expiresAt: Date?
        var expiresInSeconds: Int?
    }

    /// One account: cursor and lag, ingest poller, token, rate-limit budgets.
    public struct AccountState: Sendable, Encodable {
        var account: String
        var method: String
        var cursor: String?
        /// When the cursor's DM was created (its snowflake time).
        var cursorTime: Date?
        /// Seconds between the cursor's DM and now: how far behind ingest is at most.
        var cursorLagSeconds: Int?
        var ingestLeaseHolder: String?
        var ingestLeaseExpiresAt: Date?
        var token: TokenState?
        var rateLimits: [RateLimitBudget]
    }

    var broker: String
    var queues: [QueueState]
    /// The SQLite state file, when it does not exist yet (no worker has started).
    var missingStateFile: String?
    var accounts: [AccountState]

    /// The report as text, one line each (see `AdminReport`).
    public var lines: [String] {
        var lines = ["broker \(broker)"]
        for queue in queues {
            lines.append(
                queue.present
                    ? "  \(queue.name): \(queue.messages ?? 0) message(s), \(queue.consumers ?? 0) consumer(s)"
                    : "  \(queue.name): MISSING (run `kiamo-twitter setup`)")
        }
        if let missingStateFile { lines.append("state: \(missingStateFile) does not exist yet (created at the first worker start, or by `kiamo-twitter setup`)") }
        for account in accounts {
            lines.append("account \(account.account) (\(account.method))")
            if let cursor = account.cursor, let lag = account.cursorLagSeconds {
                lines.append("  cursor \(cursor), \(lag) s behind now")
            } else {
                lines.append("  cursor: none yet (ingest has not committed a poll)")
            }
            lines.append("  ingest: " + (account.ingestLeaseHolder.map { "polled by \($0)" } ?? "no active poller"))
            if let token = account.token {
                if let seconds = token.expiresInSeconds, let version = token.version {
                    lines.append("  token: version \(version), " + (seconds > 0 ? "expires in \(seconds / 60) min" : "expired (refreshed at the next call)"))
                } else {
                    lines.append("  token: none stored (`kiamo-twitter auth login`)")
                }
            }
            for budget in account.rateLimits {
                lines.append(
                    "  rate limit \(budget.endpoint): \(budget.remaining)/\(budget.limit) until \(AdminJSON.time(budget.resetAt))"
                        + (budget.rejectedUntil.map { ", refused until \(AdminJSON.time($0))" } ?? ""))
            }
        }
        return lines
    }
}
