import Foundation
import GRDB

extension SQLiteStateStore {
    public func recordRateLimit(account: String, endpoint: String, _ observation: RateLimitObservation) async throws {
        let policy = options.rateLimitPacing
        try await write("recording the rate limit of \(endpoint) for account \(account)") { db in
            let current = try Self.fetchBudget(db, account: account, endpoint: endpoint)
            let next = policy.merge(current, observation, account: account, endpoint: endpoint)
            if next != current { try Self.saveBudget(db, next) }
        }
    }

    public func permission(account: String, endpoint: String) async throws -> RateLimitPermission {
        let policy = options.rateLimitPacing
        let now = now()
        return try await write("asking the rate limit of \(endpoint) for account \(account)") { db in
            let current = try Self.fetchBudget(db, account: account, endpoint: endpoint)
            let decision = policy.decide(current, now: now)
            if let updated = decision.updated { try Self.saveBudget(db, updated) }
            return decision.permission
        }
    }

    public func rateLimitBudget(account: String, endpoint: String) async throws -> RateLimitBudget? {
        try await read("reading the rate limit of \(endpoint) for account \(account)") { db in
            try Self.fetchBudget(db, account: account, endpoint: endpoint)
        }
    }

    static func fetchBudget(_ db: Database, account: String, endpoint: String) throws -> RateLimitBudget? {
        try Row.fetchOne(
            db.cachedStatement(
                sql: """
                    SELECT call_limit, remaining, reset_at, rejected_until, last_granted_at FROM rate_limits
                    WHERE account = ? AND endpoint = ?
                    """), arguments: [account, endpoint]
        ).map { row in
            // By position, in the SELECT's order (a lookup by name lowercases every column name).
            RateLimitBudget(
                account: account, endpoint: endpoint, limit: row[0], remaining: row[1],
                resetAt: SQLiteTime.date(row[2] as Int64),
                rejectedUntil: SQLiteTime.date(row[3] as Int64?),
                lastGrantedAt: SQLiteTime.date(row[4] as Int64?)
            )
        }
    }

    /// The read and this write share one immediate transaction, so the budget cannot change in
    /// between; a multi-host backend would compare-and-set on the values read instead.
    private static func saveBudget(_ db: Database, _ budget: RateLimitBudget) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO rate_limits (account, endpoint, call_limit, remaining, reset_at, rejected_until, last_granted_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (account, endpoint) DO UPDATE SET
                    call_limit = excluded.call_limit, remaining = excluded.remaining, reset_at = excluded.reset_at,
                    rejected_until = excluded.rejected_until, last_granted_at = excluded.last_granted_at
                """
        ).execute(arguments: [
            budget.account, budget.endpoint, budget.limit, budget.remaining, SQLiteTime.millis(budget.resetAt),
            budget.rejectedUntil.map(SQLiteTime.millis), budget.lastGrantedAt.map(SQLiteTime.millis),
        ])
    }
}
