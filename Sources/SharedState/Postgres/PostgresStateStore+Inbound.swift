import Foundation
import PostgresNIO

extension PostgresStateStore {
    public func cursor(account: String) async throws -> String? {
        let logger = logger
        return try await perform("reading the cursor of account \(account)") { connection in
            try await connection.query("SELECT last_read_id FROM cursors WHERE account = \(account)", logger: logger)
                .collect(Int64.self).first.map(EventIDOrder.canonical)
        }
    }

    public func filterUnseen(account: String, ids: [String]) async throws -> [String] {
        let values = try ids.map { try EventIDOrder.value(of: $0) }
        guard !values.isEmpty else { return [] }
        let logger = logger
        let seen = try await perform("reading the inbound ledger of account \(account)") { connection in
            Set(
                try await connection.query(
                    "SELECT event_id FROM inbound_ledger WHERE account = \(account) AND event_id = ANY(\(values)::bigint[])", logger: logger
                ).collect(Int64.self))
        }
        return zip(ids, values).filter { !seen.contains($0.1) }.map(\.0)
    }

    @discardableResult
    public func commitInbound(account: String, publishedIds: [String], cursor: String?) async throws -> String? {
        let values = try publishedIds.map { try EventIDOrder.value(of: $0) }
        let candidate = try cursor.map { try EventIDOrder.value(of: $0) }
        let now = nowParameter
        let logger = logger
        // One transaction: the ids and the cursor move together or not at all.
        return try await transaction("committing inbound ids and cursor of account \(account)") { connection in
            if !values.isEmpty {
                try await connection.query(
                    """
                    INSERT INTO inbound_ledger (account, event_id, published_at)
                    SELECT \(account), id, coalesce(\(now)::bigint, \(unescaped: PostgresTime.serverMillis)) FROM unnest(\(values)::bigint[]) AS id
                    ON CONFLICT DO NOTHING
                    """, logger: logger)
            }
            if let candidate {
                // Locks the cursor's row whether or not it moves, so the read below is what is stored
                // until this transaction ends; it only moves forward (`EventIDOrder.advance`).
                try await connection.query(
                    """
                    INSERT INTO cursors (account, last_read_id, updated_at)
                    VALUES (\(account), \(candidate), coalesce(\(now)::bigint, \(unescaped: PostgresTime.serverMillis)))
                    ON CONFLICT (account) DO UPDATE SET last_read_id = excluded.last_read_id, updated_at = excluded.updated_at
                    WHERE excluded.last_read_id > cursors.last_read_id
                    """, logger: logger)
            }
            let stored = try await connection.query("SELECT last_read_id FROM cursors WHERE account = \(account)", logger: logger)
                .collect(Int64.self).first
            return EventIDOrder.advance(current: stored, candidate: candidate).map(EventIDOrder.canonical)
        }
    }

    @discardableResult
    public func pruneInbound(account: String) async throws -> Int {
        let now = nowParameter
        let retention = PostgresTime.millis(options.inboundRetention)
        let logger = logger
        return try await perform("pruning the inbound ledger of account \(account)") { connection in
            Int(
                try await connection.query(
                    """
                    WITH gone AS (
                        DELETE FROM inbound_ledger
                        WHERE account = \(account) AND published_at < coalesce(\(now)::bigint, \(unescaped: PostgresTime.serverMillis)) - \(retention)
                        RETURNING 1
                    ) SELECT count(*) FROM gone
                    """, logger: logger
                ).collect(Int64.self).first ?? 0)
        }
    }
}
