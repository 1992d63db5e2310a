import Foundation
import PostgresNIO

extension PostgresStateStore {
    public func acquireLease(account: String, name: String, owner: String, ttl: Duration) async throws -> Lease? {
        // Before the lease can name this owner, its liveness lock is taken, so that nobody finds
        // a holder gone while it lives. A connection that died unnoticed (PostgresNIO has not
        // seen the socket close yet) passes for held here; the next call after the close takes
        // the lock again, and until then the holder is the cut-off case PostgresOwnerLiveness
        // describes.
        await liveness.markAlive(owner)
        let now = nowParameter
        let logger = logger
        return try await perform("acquiring lease \(name) of account \(account)") { connection in
            let (now, current) = try await Self.fetchLease(connection, account: account, name: name, now: now, logger: logger)
            var gone = false
            if let current, current.owner != owner, current.isHeld(at: now) {
                gone = try await PostgresOwnerLiveness.isGone(current.owner, on: connection, logger: logger)
            }
            switch LeaseRules.acquire(current, account: account, name: name, owner: owner, ttl: ttl, now: now, holderGone: gone) {
            case .held:
                return nil
            case .grant(let lease):
                guard try await Self.saveLease(connection, lease, replacing: current, logger: logger) else {
                    throw PostgresErrorMapping.CompareAndSetLost()
                }
                return lease
            }
        }
    }

    public func renewLease(account: String, name: String, owner: String, ttl: Duration) async throws -> Lease? {
        // After a lost connection the liveness lock is taken again here (a no-op otherwise).
        await liveness.markAlive(owner)
        let now = nowParameter
        let logger = logger
        return try await perform("renewing lease \(name) of account \(account)") { connection in
            let (now, current) = try await Self.fetchLease(connection, account: account, name: name, now: now, logger: logger)
            guard let renewed = LeaseRules.renew(current, owner: owner, ttl: ttl, now: now) else { return nil }
            guard try await Self.saveLease(connection, renewed, replacing: current, logger: logger) else {
                throw PostgresErrorMapping.CompareAndSetLost()
            }
            return renewed
        }
    }

    public func releaseLease(account: String, name: String, owner: String) async throws -> Bool {
        let logger = logger
        return try await perform("releasing lease \(name) of account \(account)") { connection in
            try await !connection.query(
                "DELETE FROM leases WHERE account = \(account) AND name = \(name) AND owner = \(owner) RETURNING 1", logger: logger
            ).rows().isEmpty
        }
    }

    public func leaseHolder(account: String, name: String) async throws -> Lease? {
        let now = nowParameter
        let logger = logger
        return try await perform("reading lease \(name) of account \(account)") { connection in
            let (now, current) = try await Self.fetchLease(connection, account: account, name: name, now: now, logger: logger)
            return current.flatMap { $0.isHeld(at: now) ? $0 : nil }
        }
    }

    public func leasesHeldByOthers(name: String, owner: String) async throws -> Set<String> {
        let now = nowParameter
        let logger = logger
        return try await perform("reading the holders of lease \(name)") { connection in
            let rows = try await connection.query(
                """
                WITH clock AS (SELECT coalesce(\(now)::bigint, \(unescaped: PostgresTime.serverMillis)) AS now)
                SELECT l.account, l.owner FROM leases l, clock
                WHERE l.name = \(name) AND l.owner <> \(owner) AND l.expires_at > clock.now
                """, logger: logger
            ).rows()
            // A holder known gone is not a holder (`acquireLease` takes its lease): asked once per
            // owner, leaving its record for that acquisition to find.
            var gone: [String: Bool] = [:]
            var held = Set<String>()
            for row in rows {
                let account = try row.value("account", as: String.self), holder = try row.value("owner", as: String.self)
                if gone[holder] == nil { gone[holder] = try await PostgresOwnerLiveness.isGone(holder, on: connection, forgetting: false, logger: logger) }
                if gone[holder] == false { held.insert(account) }
            }
            return held
        }
    }

    /// The lease as stored and the time it is judged at (`PostgresTime`), in one statement.
    static func fetchLease(
        _ connection: PostgresConnection, account: String, name: String, now: Int64?,
        logger: Logger
    ) async throws -> (Date, Lease?) {
        guard
            let row = try await connection.query(
                """
                WITH clock AS (SELECT coalesce(\(now)::bigint, \(unescaped: PostgresTime.serverMillis)) AS now)
                SELECT clock.now, l.owner, l.acquired_at, l.expires_at
                FROM clock LEFT JOIN leases l ON l.account = \(account) AND l.name = \(name)
                """, logger: logger
            ).rows().first
        else { throw PostgresErrorMapping.CompareAndSetLost() }
        let lease = try row.value("owner", as: String?.self).map { owner in
            Lease(
                account: account, name: name, owner: owner,
                acquiredAt: PostgresTime.date(try row.value("acquired_at", as: Int64.self)),
                expiresAt: PostgresTime.date(try row.value("expires_at", as: Int64.self)))
        }
        return (PostgresTime.date(try row.value("now", as: Int64.self)), lease)
    }

    /// Compare-and-set: writes `lease` only if the row is still `current` as read (nil: absent).
    private static func saveLease(
        _ connection: PostgresConnection, _ lease: Lease, replacing current: Lease?,
        logger: Logger
    ) async throws -> Bool {
        let acquiredAt = PostgresTime.millis(lease.acquiredAt), expiresAt = PostgresTime.millis(lease.expiresAt)
        if let current {
            return try await !connection.query(
                """
                UPDATE leases SET owner = \(lease.owner), acquired_at = \(acquiredAt), expires_at = \(expiresAt)
                WHERE account = \(lease.account) AND name = \(lease.name)
                  AND owner = \(current.owner) AND expires_at = \(PostgresTime.millis(current.expiresAt))
                RETURNING 1
                """, logger: logger
            ).rows().isEmpty
        }
        return try await !connection.query(
            """
            INSERT INTO leases (account, name, owner, acquired_at, expires_at)
            VALUES (\(lease.account), \(lease.name), \(lease.owner), \(acquiredAt), \(expiresAt))
            ON CONFLICT (account, name) DO NOTHING
            RETURNING 1
            """, logger: logger
        ).rows().isEmpty
    }
}
