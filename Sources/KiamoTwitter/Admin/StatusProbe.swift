import AMQP
import Foundation
import SharedState

/// `kiamo-twitter status` and numbered test 05: the queues (depth and consumers, by passive
/// declares that create nothing) and, per account, the cursor and its lag, the ingest lease, the
/// token expiry and the shared rate-limit budgets.
public struct StatusProbe: Sendable {
    public let session: AdminSession

    public init(session: AdminSession) {
        self.session = session
    }

    /// Every queue of the topology, `present: false` for one that is missing.
    public func queues() async throws -> [StatusReport.QueueState] {
        let topology = Topology(session.configuration)
        let channel = try await session.channel()
        var states: [StatusReport.QueueState] = []
        for queue in topology.queues {
            do {
                let state = try await channel.queueDeclare(queue.name, passive: true)
                states.append(.init(name: queue.name, present: true, messages: Int(state.messageCount), consumers: Int(state.consumerCount)))
            } catch AMQPError.channelClosed(_, 404, _) {
                states.append(.init(name: queue.name, present: false, messages: nil, consumers: nil))
            }
        }
        try? await channel.close()
        return states
    }

    /// The state of each configured account (`only`: one of them).
    public func accounts(only: String? = nil, now: Date = Date()) async throws -> [StatusReport.AccountState] {
        let configuration = session.configuration
        let state = try await session.state(mustExist: true)
        var result: [StatusReport.AccountState] = []
        for account in configuration.accounts where only == nil || only == account.userId {
            let cursor = try await state.cursor(account: account.userId)
            let cursorTime = cursor.flatMap(Snowflake.parse).map(Snowflake.date(of:))
            let lease = try await state.leaseHolder(account: account.userId, name: "ingest")
            var token: StatusReport.TokenState?
            if case .oauth2 = account.credentials {
                let stored = try await state.storedToken(account: account.userId)
                token = StatusReport.TokenState(stored: stored != nil, version: stored?.version, expiresAt: stored?.token.expiresAt,
                                                expiresInSeconds: stored.map { Int($0.token.expiresAt.timeIntervalSince(now).rounded(.down)) })
            }
            var budgets: [RateLimitBudget] = []
            for family in RateLimitFamily.allCases {
                if let budget = try await state.rateLimitBudget(account: account.userId, endpoint: family.rawValue) { budgets.append(budget) }
            }
            result.append(StatusReport.AccountState(
                account: account.userId, method: account.credentials.methodName, cursor: cursor, cursorTime: cursorTime,
                cursorLagSeconds: cursorTime.map { max(0, Int(now.timeIntervalSince($0).rounded(.down))) },
                ingestLeaseHolder: lease?.owner, ingestLeaseExpiresAt: lease?.expiresAt, token: token, rateLimits: budgets))
        }
        return result
    }

    public func run(account: String? = nil) async throws -> StatusReport {
        let configuration = session.configuration
        return StatusReport(broker: AMQPConfiguration.redact(configuration.amqp.url.reveal()), queues: try await queues(),
                            accounts: try await accounts(only: account))
    }
}

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
