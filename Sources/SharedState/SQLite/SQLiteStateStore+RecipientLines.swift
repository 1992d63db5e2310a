import Foundation
import GRDB

extension SQLiteStateStore {
    public func joinLines(_ arrivals: [LineArrival], posting: Duration) async throws {
        guard !arrivals.isEmpty else { return }
        let now = now()
        try await write("placing \(arrivals.count) arriving command(s) in their recipients' lines") { db in
            var lines: [[String]: (current: [RecipientLineEntry], line: [RecipientLineEntry])] = [:]
            var order: [[String]] = []
            for arrival in arrivals {
                let key = [arrival.account, arrival.recipient]
                if lines[key] == nil {
                    let current = try Self.fetchLine(db, account: arrival.account, recipient: arrival.recipient)
                    lines[key] = (current, current)
                    order.append(key)
                }
                let joined = RecipientLineRules.joined(lines[key]?.line ?? [], commandId: arrival.commandId, posting: posting, now: now)
                lines[key]?.line = joined
            }
            for key in order {
                guard let (current, line) = lines[key], line != current else { continue }
                try Self.saveLine(db, line, account: key[0], recipient: key[1])
            }
        }
    }

    public func keepPlaces(_ arrivals: [LineArrival], posting: Duration) async throws {
        guard !arrivals.isEmpty else { return }
        let now = now()
        try await write("keeping the places of \(arrivals.count) waiting command(s) in their recipients' lines") { db in
            try Self.rewriteLines(db, of: arrivals) { RecipientLineRules.kept($0, commandId: $1.commandId, posting: posting, now: now) }
        }
    }

    public func withdrawFromLines(_ arrivals: [LineArrival]) async throws {
        guard !arrivals.isEmpty else { return }
        let now = now()
        try await write("taking \(arrivals.count) handed-back command(s) out of their recipients' lines") { db in
            try Self.rewriteLines(db, of: arrivals) { RecipientLineRules.withdrawn($0, commandId: $1.commandId, now: now) }
        }
    }

    /// In the caller's transaction: applies `change` to each line `arrivals` touch, with one read
    /// and one write per line however many of its commands are in the batch (5,000 handed back to
    /// 40 customers must fit in a shutdown's grace).
    private static func rewriteLines(
        _ db: Database, of arrivals: [LineArrival],
        _ change: ([RecipientLineEntry], LineArrival) -> [RecipientLineEntry]
    ) throws {
        let byLine = Dictionary(grouping: arrivals) { [$0.account, $0.recipient] }
        for (key, batch) in byLine {
            let current = try fetchLine(db, account: key[0], recipient: key[1])
            let line = batch.reduce(current, change)
            if line != current { try saveLine(db, line, account: key[0], recipient: key[1]) }
        }
    }

    public func admitToLine(
        account: String, recipient: String, commandId: String, mayWait: Bool,
        fallbackTier: Duration, posting: Duration
    ) async throws -> RecipientLineAdmission {
        let now = now()
        let timing = options.recipientLine
        return try await write("admitting command \(commandId) to the line of recipient \(recipient) of account \(account)") { db in
            let ticket = try Self.nextLineTicket(db)
            let current = try Self.fetchLine(db, account: account, recipient: recipient)
            let decided = RecipientLineRules.admit(
                current, commandId: commandId, ticket: ticket, mayWait: mayWait,
                fallbackTier: fallbackTier, posting: posting, now: now, timing: timing)
            if decided.line != current { try Self.saveLine(db, decided.line, account: account, recipient: recipient) }
            return decided.admission
        }
    }

    public func parkInLine(account: String, recipient: String, commandId: String, tier: Duration) async throws {
        let now = now()
        let timing = options.recipientLine
        try await write("parking command \(commandId) in the line of recipient \(recipient) of account \(account)") { db in
            let ticket = try Self.nextLineTicket(db)
            let current = try Self.fetchLine(db, account: account, recipient: recipient)
            let line = RecipientLineRules.parked(current, commandId: commandId, tier: tier, ticket: ticket, now: now, timing: timing)
            try Self.saveLine(db, line, account: account, recipient: recipient)
        }
    }

    public func leaveLine(account: String, recipient: String, commandId: String, ticket: UInt64) async throws {
        let now = now()
        try await write("taking command \(commandId) out of the line of recipient \(recipient) of account \(account)") { db in
            let current = try Self.fetchLine(db, account: account, recipient: recipient)
            let line = RecipientLineRules.finished(current, commandId: commandId, ticket: ticket, now: now)
            if line != current { try Self.saveLine(db, line, account: account, recipient: recipient) }
            // Lines of recipients nobody writes to again would otherwise stay for ever.
            try db.cachedStatement(sql: "DELETE FROM recipient_lines WHERE account = ? AND expires_at <= ?").execute(arguments: [account, SQLiteTime.millis(now)])
        }
    }

    public func recipientLine(account: String, recipient: String) async throws -> [RecipientLineEntry] {
        let now = now()
        return try await read("reading the line of recipient \(recipient) of account \(account)") { db in
            try Self.fetchLine(db, account: account, recipient: recipient).filter { $0.expiresAt > now }
        }
    }

    /// Takes the next store-wide ticket, in the caller's transaction.
    private static func nextLineTicket(_ db: Database) throws -> UInt64 {
        try db.cachedStatement(sql: "UPDATE recipient_line_tickets SET last = last + 1 WHERE id = 1").execute()
        return UInt64(try Int64.fetchOne(db.cachedStatement(sql: "SELECT last FROM recipient_line_tickets WHERE id = 1")) ?? 0)
    }

    private static func fetchLine(_ db: Database, account: String, recipient: String) throws -> [RecipientLineEntry] {
        try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT command_id, tier_ms, parked_at, parked_ticket, admitted_ticket, admitted_at, expires_at
                    FROM recipient_lines WHERE account = ? AND recipient = ? ORDER BY position
                    """), arguments: [account, recipient]
        ).map { row in
            // By position, in the SELECT's order (a lookup by name lowercases every column name).
            RecipientLineEntry(
                commandId: row[0],
                tier: (row[1] as Int64?).map { .milliseconds($0) },
                parkedAt: SQLiteTime.date(row[2] as Int64?),
                parkedTicket: UInt64(max(0, row[3] as Int64)),
                admittedTicket: UInt64(max(0, row[4] as Int64)),
                admittedAt: SQLiteTime.date(row[5] as Int64?),
                expiresAt: SQLiteTime.date(row[6] as Int64)
            )
        }
    }

    /// Replaces the recipient's line, in the caller's transaction (which read it).
    private static func saveLine(_ db: Database, _ line: [RecipientLineEntry], account: String, recipient: String) throws {
        try db.cachedStatement(sql: "DELETE FROM recipient_lines WHERE account = ? AND recipient = ?").execute(arguments: [account, recipient])
        for (position, entry) in line.enumerated() {
            let tier: Int64? = entry.tier.map { Int64(($0.seconds * 1000).rounded()) }
            try db.cachedStatement(
                sql: """
                    INSERT INTO recipient_lines (account, recipient, position, command_id, tier_ms, parked_at, parked_ticket,
                                                 admitted_ticket, admitted_at, expires_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """
            ).execute(arguments: [
                account, recipient, position, entry.commandId, tier, entry.parkedAt.map(SQLiteTime.millis),
                Int64(clamping: entry.parkedTicket), Int64(clamping: entry.admittedTicket), entry.admittedAt.map(SQLiteTime.millis),
                SQLiteTime.millis(entry.expiresAt),
            ])
        }
    }
}
