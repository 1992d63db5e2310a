import Foundation
import PostgresNIO

extension PostgresStateStore {
    public func exportTables() async throws -> [StateTable] {
        let logger = logger
        return try await transaction("reading every record for a migration") { connection in
            // One snapshot of every table, as SQLite's read transaction gives.
            try await connection.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY", logger: logger)
            var tables: [StateTable] = []
            for table in StateTransferSchema.tables {
                let keys = table.columns.prefix(table.keyColumns).joined(separator: ", ")
                let rows = try await connection.query(
                    PostgresQuery(unsafeSQL: "SELECT \(table.columns.joined(separator: ", ")) FROM \(table.name) ORDER BY \(keys)"),
                    logger: logger
                ).rows()
                tables.append(
                    StateTable(
                        name: table.name,
                        rows: try rows.map { row in
                            try row.map { cell in try Self.transferValue(cell) }
                        }))
            }
            return tables
        }
    }

    public func importTables(_ tables: [StateTable]) async throws {
        let logger = logger
        let url = location.redacted
        // Not `transaction`: a large deployment's ledgers take longer than one call's deadline;
        // the statements are still bounded by the connection's statement_timeout.
        do {
            try await client.withConnection { connection in
                try await connection.withTransaction(logger: logger) { connection in
                    var holding: [String] = []
                    for table in StateTransferSchema.tables {
                        let exists =
                            try await connection.query(
                                PostgresQuery(unsafeSQL: "SELECT EXISTS (SELECT 1 FROM \(table.name))"), logger: logger
                            ).collect(Bool.self).first ?? false
                        if exists { holding.append(table.name) }
                    }
                    guard holding.isEmpty else { throw StateStoreError.notEmpty(store: url, tables: holding) }
                    var lastTicket: Int64 = 0
                    for table in tables {
                        guard let schema = StateTransferSchema.table(table.name) else { continue }
                        var start = 0
                        while start < table.rows.count {
                            let chunk = table.rows[start..<min(start + 500, table.rows.count)]
                            start += chunk.count
                            var bindings = PostgresBindings(capacity: chunk.count * schema.columns.count)
                            var tuples: [String] = []
                            for row in chunk {
                                var marks: [String] = []
                                for value in row {
                                    switch value {
                                    case .null: bindings.appendNull()
                                    case .integer(let integer): bindings.append(integer)
                                    case .text(let text): bindings.append(text)
                                    }
                                    marks.append("$\(marks.count + tuples.count * schema.columns.count + 1)")
                                }
                                tuples.append("(\(marks.joined(separator: ", ")))")
                            }
                            let sql = "INSERT INTO \(schema.name) (\(schema.columns.joined(separator: ", "))) VALUES \(tuples.joined(separator: ", "))"
                            try await connection.query(PostgresQuery(unsafeSQL: sql, binds: bindings), logger: logger)
                        }
                        if schema.name == "recipient_lines" {
                            for row in table.rows {
                                for index in [6, 7] where index < row.count {
                                    if case .integer(let ticket) = row[index] { lastTicket = max(lastTicket, ticket) }
                                }
                            }
                        }
                    }
                    // Tickets only order: move the target's sequence past every ticket it received.
                    if lastTicket > 0 {
                        try await connection.query("SELECT setval('recipient_line_tickets', \(lastTicket))", logger: logger).drain()
                    }
                }
            }
        } catch let error as StateStoreError {
            throw error
        } catch {
            throw PostgresErrorMapping.operation(error, url: url, operation: "writing the migrated records")
        }
    }

    /// Every transferred column is `bigint` or `text` (`StateTransferSchema`).
    private static func transferValue(_ cell: PostgresCell) throws -> StateValue {
        if cell.bytes == nil { return .null }
        switch cell.dataType {
        case .int8, .int4, .int2: return .integer(try cell.decode(Int64.self))
        default: return .text(try cell.decode(String.self))
        }
    }
}
