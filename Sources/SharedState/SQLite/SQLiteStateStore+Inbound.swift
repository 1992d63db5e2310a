import Foundation
import GRDB

extension SQLiteStateStore {
    public func cursor(account: String) async throws -> String? {
        try await read("reading the cursor of account \(account)") { db in
            try Int64.fetchOne(db.cachedStatement(sql: "SELECT last_read_id FROM cursors WHERE account = ?"), arguments: [account])
                .map(EventIDOrder.canonical)
        }
    }

    public func filterUnseen(account: String, ids: [String]) async throws -> [String] {
        let values = try ids.map { try EventIDOrder.value(of: $0) }
        guard !values.isEmpty else { return [] }
        let seen = try await read("reading the inbound ledger of account \(account)") { db in
            var seen = Set<Int64>()
            // Chunks stay under SQLite's bound-parameter limit whatever the page size.
            for start in stride(from: 0, to: values.count, by: 500) {
                let chunk = Array(values[start..<min(start + 500, values.count)])
                let placeholders = Array(repeating: "?", count: chunk.count).joined(separator: ",")
                let found = try Int64.fetchAll(
                    db,
                    sql: "SELECT event_id FROM inbound_ledger WHERE account = ? AND event_id IN (\(placeholders))",
                    arguments: StatementArguments([account]) + StatementArguments(chunk)
                )
                seen.formUnion(found)
            }
            return seen
        }
        return zip(ids, values).filter { !seen.contains($0.1) }.map(\.0)
    }

    @discardableResult
    public func commitInbound(account: String, publishedIds: [String], cursor: String?) async throws -> String? {
        let values = try publishedIds.map { try EventIDOrder.value(of: $0) }
        let candidate = try cursor.map { try EventIDOrder.value(of: $0) }
        let now = SQLiteTime.millis(now())
        return try await write("committing inbound ids and cursor of account \(account)") { db in
            let statement = try db.cachedStatement(
                sql: "INSERT INTO inbound_ledger (account, event_id, published_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING"
            )
            for value in values {
                try statement.execute(arguments: [account, value, now])
            }
            let current = try Int64.fetchOne(db.cachedStatement(sql: "SELECT last_read_id FROM cursors WHERE account = ?"), arguments: [account])
            let next = EventIDOrder.advance(current: current, candidate: candidate)
            if let next, next != current {
                try db.cachedStatement(
                    sql: """
                        INSERT INTO cursors (account, last_read_id, updated_at) VALUES (?, ?, ?)
                        ON CONFLICT (account) DO UPDATE SET last_read_id = excluded.last_read_id, updated_at = excluded.updated_at
                        WHERE excluded.last_read_id > cursors.last_read_id
                        """
                ).execute(arguments: [account, next, now])
            }
            return next.map(EventIDOrder.canonical)
        }
    }

    @discardableResult
    public func pruneInbound(account: String) async throws -> Int {
        let cutoff = SQLiteTime.millis(now().addingTimeInterval(-options.inboundRetention.seconds))
        return try await write("pruning the inbound ledger of account \(account)") { db in
            try db.cachedStatement(sql: "DELETE FROM inbound_ledger WHERE account = ? AND published_at < ?").execute(arguments: [account, cutoff])
            return db.changesCount
        }
    }
}
