import AMQP
import Foundation
import KiamoTwitter
import SharedState

/// `kiamo-twitter status` and numbered test 05: the queues (depth and consumers, by passive
/// declares that create nothing) and, per account, the cursor and its lag, the ingest lease, the
/// token expiry and the shared rate-limit budgets (none while the state file does not exist yet).
public struct StatusProbe: Sendable {
    let session: AdminSession

    /// The operation, through `session` (which opens what it needs on first use).
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
                token = StatusReport.TokenState(
                    stored: stored != nil, version: stored?.version, expiresAt: stored?.token.expiresAt,
                    expiresInSeconds: stored.map { Int($0.token.expiresAt.timeIntervalSince(now).rounded(.down)) })
            }
            var budgets: [RateLimitBudget] = []
            for family in RateLimitFamily.allCases {
                if let budget = try await state.rateLimitBudget(account: account.userId, endpoint: family.rawValue) { budgets.append(budget) }
            }
            result.append(
                StatusReport.AccountState(
                    account: account.userId, method: account.credentials.methodName, cursor: cursor, cursorTime: cursorTime,
                    cursorLagSeconds: cursorTime.map { max(0, Int(now.timeIntervalSince($0).rounded(.down))) },
                    ingestLeaseHolder: lease?.owner, ingestLeaseExpiresAt: lease?.expiresAt, token: token, rateLimits: budgets))
        }
        return result
    }

    /// The queues and every configured account (or `account` alone).
    public func run(account: String? = nil) async throws -> StatusReport {
        let configuration = session.configuration
        let queues = try await queues()
        // Before the first worker start there is no state yet: the queues are still worth showing.
        let missing = try await session.missingStateFile()
        return StatusReport(
            broker: AMQPConfiguration.redact(configuration.amqp.url.reveal()), queues: queues,
            missingStateFile: missing, accounts: missing == nil ? try await accounts(only: account) : [])
    }
}
