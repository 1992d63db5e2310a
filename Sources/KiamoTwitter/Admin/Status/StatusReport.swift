import AMQP
import Foundation
import SharedState

/// The deployment at a glance.
public struct StatusReport: AdminReport {
    public struct QueueState: Sendable, Encodable, Hashable {
        public var name: String
        public var present: Bool
        public var messages: Int?
        public var consumers: Int?
    }

    public struct TokenState: Sendable, Encodable, Hashable {
        public var stored: Bool
        public var version: Int64?
        public var expiresAt: Date?
        public var expiresInSeconds: Int?
    }

    public struct AccountState: Sendable, Encodable {
        public var account: String
        public var method: String
        public var cursor: String?
        /// When the cursor's DM was created (its snowflake time).
        public var cursorTime: Date?
        /// Seconds between the cursor's DM and now: how far behind ingest is at most.
        public var cursorLagSeconds: Int?
        public var ingestLeaseHolder: String?
        public var ingestLeaseExpiresAt: Date?
        public var token: TokenState?
        public var rateLimits: [RateLimitBudget]
    }

    public var broker: String
    public var queues: [QueueState]
    public var accounts: [AccountState]

    public var lines: [String] {
        var lines = ["broker \(broker)"]
        for queue in queues {
            lines.append(queue.present ? "  \(queue.name): \(queue.messages ?? 0) message(s), \(queue.consumers ?? 0) consumer(s)"
                                       : "  \(queue.name): MISSING (run `kiamo-twitter setup`)")
        }
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
                lines.append("  rate limit \(budget.endpoint): \(budget.remaining)/\(budget.limit) until \(AdminJSON.time(budget.resetAt))"
                    + (budget.rejectedUntil.map { ", refused until \(AdminJSON.time($0))" } ?? ""))
            }
        }
        return lines
    }
}
