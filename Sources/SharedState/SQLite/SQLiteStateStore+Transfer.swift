import Foundation
import GRDB

extension SQLiteStateStore {
    public func exportTables() async throws -> [StateTable] {
        try await read("reading every record for a migration") { db in
            try StateTransferSchema.tables.map { table in
                let keys = table.columns.prefix(table.keyColumns).joined(separator: ", ")
                let rows = try Row.fetchAll(db, sql: "SELECT \(table.columns.joined(separator: ", ")) FROM \(table.name) ORDER BY \(keys)")
                return StateTable(
                    name: table.name,
                    rows: rows.map { row in
                        (0..<row.count).map { Self.transferValue(row[$0] as DatabaseValue) }
                    })
            }
        }
    }

    public func importTables(_ tables: [StateTable]) async throws {
        let file = self.file
        try await write("writing the migrated records") { db in
            let holding = try StateTransferSchema.tables.filter { table in
                try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM \(table.name))") ?? false
            }
            guard holding.isEmpty else {
                throw StateStoreError.notEmpty(store: file, tables: holding.map(\.name))
            }
            var lastTicket: Int64 = 0
            for table in tables {
                guard let schema = StateTransferSchema.table(table.name) else { continue }
                let marks = Array(repeating: "?", count: schema.columns.count).joined(separator: ", ")
                let statement = try db.makeStatement(
                    sql: "INSERT INTO \(schema.name) (\(schema.columns.joined(separator: ", "))) VALUES (\(marks))"
                )
                for row in table.rows {
                    try statement.execute(arguments: StatementArguments(row.map(Self.databaseValue)))
                }
                if schema.name == "recipient_lines" {
                    for row in table.rows {
                        for index in [6, 7] where index < row.count {
                            if case .integer(let ticket) = row[index] { lastTicket = max(lastTicket, ticket) }
                        }
                    }
                }
            }
            // Tickets only order: move the target's counter past every ticket it received.
            try db.execute(sql: "UPDATE recipient_line_tickets SET last = max(last, ?) WHERE id = 1", arguments: [lastTicket])
        }
    }

    private static func transferValue(_ value: DatabaseValue) -> StateValue {
        switch value.storage {
        case .null: .null
        case .int64(let integer): .integer(integer)
        case .double(let double): .integer(Int64(double))
        case .string(let text): .text(text)
        case .blob(let data): .text(String(decoding: data, as: UTF8.self))
        }
    }

    private static func databaseValue(_ value: StateValue) -> DatabaseValue {
        switch value {
        case .null: .null
        case .integer(let integer): integer.databaseValue
        case .text(let text): text.databaseValue
        }
    }
}
