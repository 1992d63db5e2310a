import Foundation
import PostgresNIO

extension PostgresStateStore {
    public func announceMember(owner: String, role: String, ttl: Duration) async throws {
        let now = nowParameter
        let ttlMillis = PostgresTime.millis(ttl)
        let logger = logger
        try await perform("announcing member \(owner) of \(role)") { connection in
            // One statement reads the clock (`PostgresTime`), sweeps members a day past expiry
            // (killed, never withdrawn) and writes this one.
            try await connection.query(
                """
                WITH clock AS (SELECT coalesce(\(now)::bigint, \(unescaped: PostgresTime.serverMillis)) AS now),
                     swept AS (DELETE FROM members WHERE role = \(role) AND expires_at < (SELECT now FROM clock) - 86400000 RETURNING 1)
                INSERT INTO members (role, owner, announced_at, expires_at)
                SELECT \(role), \(owner), clock.now, clock.now + \(ttlMillis) FROM clock
                ON CONFLICT (role, owner) DO UPDATE SET expires_at = greatest(members.expires_at, excluded.expires_at)
                """, logger: logger
            ).drain()
        }
    }

    @discardableResult
    public func withdrawMember(owner: String, role: String) async throws -> Bool {
        let logger = logger
        return try await perform("withdrawing member \(owner) of \(role)") { connection in
            try await !connection.query(
                "DELETE FROM members WHERE role = \(role) AND owner = \(owner) RETURNING 1", logger: logger
            ).rows().isEmpty
        }
    }

    public func liveMembers(role: String) async throws -> [String] {
        let now = nowParameter
        let logger = logger
        return try await perform("reading the live members of \(role)") { connection in
            try await connection.query(
                """
                SELECT owner FROM members
                WHERE role = \(role) AND expires_at > coalesce(\(now)::bigint, \(unescaped: PostgresTime.serverMillis))
                ORDER BY owner
                """, logger: logger
            ).collect(String.self)
        }
    }
}
