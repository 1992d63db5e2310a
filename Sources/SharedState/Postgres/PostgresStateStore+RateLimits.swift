import Foundation
import PostgresNIO

extension PostgresStateStore {
    public func recordRateLimit(account: String, endpoint: String, _ observation: RateLimitObservation) async throws {
        let policy = options.rateLimitPacing
        let logger = logger
        try await perform("recording the rate limit of \(endpoint) for account \(account)") { connection in
            let (_, current, revision) = try await Self.fetchBudget(connection, account: account, endpoint: endpoint, now: nil, logger: logger)
            let next = policy.merge(current, observation, account: account, endpoint: endpoint)
            if next != current, !(try await Self.saveBudget(connection, next, revision: revision, logger: logger)) {
                throw PostgresErrorMapping.CompareAndSetLost()
            }
        }
    }

    public func permission(account: String, endpoint: String) async throws -> RateLimitPermission {
        let policy = options.rateLimitPacing
        let now = nowParameter
        let logger = logger
        return try await perform("asking the rate limit of \(endpoint) for account \(account)") { connection in
            let (now, current, revision) = try await Self.fetchBudget(connection, account: account, endpoint: endpoint, now: now, logger: logger)
            let decision = policy.decide(current, now: now)
            if let updated = decision.updated, !(try await Self.saveBudget(connection, updated, revision: revision, logger: logger)) {
                throw PostgresErrorMapping.CompareAndSetLost()
            }
            return decision.permission
        }
    }

    public func rateLimitBudget(account: String, endpoint: String) async throws -> RateLimitBudget? {
        let logger = logger
        return try await perform("reading the rate limit of \(endpoint) for account \(account)") { connection in
            try await Self.fetchBudget(connection, account: account, endpoint: endpoint, now: nil, logger: logger).budget
        }
    }

    /// The budget with its revision (nil: none recorded) and the time it is judged at.
    private static func fetchBudget(
        _ connection: PostgresConnection, account: String, endpoint: String, now: Int64?,
        logger: Logger
    ) async throws -> (now: Date, budget: RateLimitBudget?, revision: Int64?) {
        guard
            let row = try await connection.query(
                """
                WITH clock AS (SELECT coalesce(\(now)::bigint, \(unescaped: PostgresTime.serverMillis)) AS now)
                SELECT clock.now, r.call_limit, r.remaining, r.reset_at, r.rejected_until, r.last_granted_at, r.revision
                FROM clock LEFT JOIN rate_limits r ON r.account = \(account) AND r.endpoint = \(endpoint)
                """, logger: logger
            ).rows().first
        else { throw PostgresErrorMapping.CompareAndSetLost() }
        let now = PostgresTime.date(try row.value("now", as: Int64.self))
        guard let revision = try row.value("revision", as: Int64?.self) else { return (now, nil, nil) }
        let budget = RateLimitBudget(
            account: account, endpoint: endpoint, limit: Int(try row.value("call_limit", as: Int64.self)),
            remaining: Int(try row.value("remaining", as: Int64.self)),
            resetAt: PostgresTime.date(try row.value("reset_at", as: Int64.self)),
            rejectedUntil: PostgresTime.date(try row.value("rejected_until", as: Int64?.self)),
            lastGrantedAt: PostgresTime.date(try row.value("last_granted_at", as: Int64?.self))
        )
        return (now, budget, revision)
    }

    /// Compare-and-set on the revision read (nil: insert unless a row appeared). True when written.
    private static func saveBudget(
        _ connection: PostgresConnection, _ budget: RateLimitBudget, revision: Int64?,
        logger: Logger
    ) async throws -> Bool {
        let limit = Int64(budget.limit), remaining = Int64(budget.remaining), resetAt = PostgresTime.millis(budget.resetAt)
        let rejectedUntil = budget.rejectedUntil.map { PostgresTime.millis($0) }
        let lastGrantedAt = budget.lastGrantedAt.map { PostgresTime.millis($0) }
        if let revision {
            return try await !connection.query(
                """
                UPDATE rate_limits SET call_limit = \(limit), remaining = \(remaining), reset_at = \(resetAt),
                                       rejected_until = \(rejectedUntil), last_granted_at = \(lastGrantedAt), revision = \(revision + 1)
                WHERE account = \(budget.account) AND endpoint = \(budget.endpoint) AND revision = \(revision)
                RETURNING 1
                """, logger: logger
            ).rows().isEmpty
        }
        return try await !connection.query(
            """
            INSERT INTO rate_limits (account, endpoint, call_limit, remaining, reset_at, rejected_until, last_granted_at, revision)
            VALUES (\(budget.account), \(budget.endpoint), \(limit), \(remaining), \(resetAt), \(rejectedUntil), \(lastGrantedAt), 1)
            ON CONFLICT (account, endpoint) DO NOTHING
            RETURNING 1
            """, logger: logger
        ).rows().isEmpty
    }
}
