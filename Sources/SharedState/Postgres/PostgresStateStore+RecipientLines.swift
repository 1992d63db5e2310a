import Foundation
import PostgresNIO

extension PostgresStateStore {
    public func joinLines(_ arrivals: [LineArrival], posting: Duration) async throws {
        guard !arrivals.isEmpty else { return }
        let now = nowParameter
        let logger = logger
        try await transaction("placing \(arrivals.count) arriving command(s) in their recipients' lines") { connection in
            try await Self.rewriteLines(connection, of: arrivals, now: now, logger: logger) { line, arrival, now in
                RecipientLineRules.joined(line, commandId: arrival.commandId, posting: posting, now: now)
            }
        }
    }

    public func keepPlaces(_ arrivals: [LineArrival], posting: Duration) async throws {
        guard !arrivals.isEmpty else { return }
        let now = nowParameter
        let logger = logger
        try await transaction("keeping the places of \(arrivals.count) waiting command(s) in their recipients' lines") { connection in
            try await Self.rewriteLines(connection, of: arrivals, now: now, logger: logger) { line, arrival, now in
                RecipientLineRules.kept(line, commandId: arrival.commandId, posting: posting, now: now)
            }
        }
    }

    public func withdrawFromLines(_ arrivals: [LineArrival]) async throws {
        guard !arrivals.isEmpty else { return }
        let now = nowParameter
        let logger = logger
        try await transaction("taking \(arrivals.count) handed-back command(s) out of their recipients' lines") { connection in
            try await Self.rewriteLines(connection, of: arrivals, now: now, logger: logger) { line, arrival, now in
                RecipientLineRules.withdrawn(line, commandId: arrival.commandId, now: now)
            }
        }
    }

    public func admitToLine(
        account: String, recipient: String, commandId: String, mayWait: Bool,
        fallbackTier: Duration, posting: Duration
    ) async throws -> RecipientLineAdmission {
        let now = nowParameter
        let timing = options.recipientLine
        let logger = logger
        return try await transaction("admitting command \(commandId) to the line of recipient \(recipient) of account \(account)") { connection in
            let (now, ticket, current) = try await Self.lockLine(connection, account: account, recipient: recipient, now: now, logger: logger)
            let decided = RecipientLineRules.admit(
                current, commandId: commandId, ticket: ticket, mayWait: mayWait,
                fallbackTier: fallbackTier, posting: posting, now: now, timing: timing)
            if decided.line != current { try await Self.saveLine(connection, decided.line, account: account, recipient: recipient, logger: logger) }
            return decided.admission
        }
    }

    public func parkInLine(account: String, recipient: String, commandId: String, tier: Duration) async throws {
        let now = nowParameter
        let timing = options.recipientLine
        let logger = logger
        try await transaction("parking command \(commandId) in the line of recipient \(recipient) of account \(account)") { connection in
            let (now, ticket, current) = try await Self.lockLine(connection, account: account, recipient: recipient, now: now, logger: logger)
            let line = RecipientLineRules.parked(current, commandId: commandId, tier: tier, ticket: ticket, now: now, timing: timing)
            try await Self.saveLine(connection, line, account: account, recipient: recipient, logger: logger)
        }
    }

    public func leaveLine(account: String, recipient: String, commandId: String, ticket: UInt64) async throws {
        let now = nowParameter
        let logger = logger
        try await transaction("taking command \(commandId) out of the line of recipient \(recipient) of account \(account)") { connection in
            let (now, _, current) = try await Self.lockLine(
                connection, account: account, recipient: recipient, now: now,
                takeTicket: false, logger: logger)
            let line = RecipientLineRules.finished(current, commandId: commandId, ticket: ticket, now: now)
            if line != current { try await Self.saveLine(connection, line, account: account, recipient: recipient, logger: logger) }
            // Lines of recipients nobody writes to again would otherwise stay for ever.
            try await connection.query(
                "DELETE FROM recipient_lines WHERE account = \(account) AND expires_at <= \(PostgresTime.millis(now))", logger: logger)
        }
    }

    public func recipientLine(account: String, recipient: String) async throws -> [RecipientLineEntry] {
        let now = nowParameter
        let logger = logger
        return try await perform("reading the line of recipient \(recipient) of account \(account)") { connection in
            let now = PostgresTime.date(
                try await connection.query(
                    "SELECT coalesce(\(now)::bigint, \(unescaped: PostgresTime.serverMillis))", logger: logger
                ).collect(Int64.self).first ?? 0)
            return try await Self.fetchLine(connection, account: account, recipient: recipient, logger: logger).filter { $0.expiresAt > now }
        }
    }

    /// In the caller's transaction: applies `change` to each line `arrivals` touch, in the
    /// arrivals' order within a line, with one read and one write per line however many of its
    /// commands are in the batch (5,000 handed back to 40 customers must fit in a shutdown's
    /// grace). The lines are locked in one sorted order, so two processes placing batches that
    /// share lines take turns instead of deadlocking; one time, read once, decides every line.
    private static func rewriteLines(
        _ connection: PostgresConnection, of arrivals: [LineArrival], now: Int64?, logger: Logger,
        _ change: @Sendable ([RecipientLineEntry], LineArrival, Date) -> [RecipientLineEntry]
    ) async throws {
        let byLine = Dictionary(grouping: arrivals) { LineKey(account: $0.account, recipient: $0.recipient) }
        var decidedAt = now
        for key in byLine.keys.sorted() {
            let (lineNow, _, current) = try await lockLine(
                connection, account: key.account, recipient: key.recipient, now: decidedAt,
                takeTicket: false, logger: logger)
            decidedAt = PostgresTime.millis(lineNow)
            let line = (byLine[key] ?? []).reduce(current) { change($0, $1, lineNow) }
            if line != current { try await saveLine(connection, line, account: key.account, recipient: key.recipient, logger: logger) }
        }
    }

    /// A recipient's line, ordered so batches lock lines in one order.
    private struct LineKey: Hashable, Comparable {
        var account: String
        var recipient: String

        static func < (lhs: LineKey, rhs: LineKey) -> Bool {
            (lhs.account, lhs.recipient) < (rhs.account, rhs.recipient)
        }
    }

    /// In the caller's transaction: serialises on the recipient's line (an advisory lock until
    /// the transaction ends, so two processes deciding at once take turns), reads the time and
    /// the next store-wide ticket (a sequence: it only grows, across processes), and the line.
    private static func lockLine(
        _ connection: PostgresConnection, account: String, recipient: String, now: Int64?,
        takeTicket: Bool = true, logger: Logger
    ) async throws -> (Date, UInt64, [RecipientLineEntry]) {
        let lineKey = PostgresLocks.key(account + "/" + recipient)
        guard
            let row = try await connection.query(
                """
                SELECT pg_advisory_xact_lock(\(PostgresLocks.lines), \(lineKey))::text AS locked,
                       coalesce(\(now)::bigint, \(unescaped: PostgresTime.serverMillis)) AS now,
                       CASE WHEN \(takeTicket) THEN nextval('recipient_line_tickets') ELSE 0 END AS ticket
                """, logger: logger
            ).rows().first
        else { throw PostgresErrorMapping.CompareAndSetLost() }
        let line = try await fetchLine(connection, account: account, recipient: recipient, logger: logger)
        return (PostgresTime.date(try row.value("now", as: Int64.self)), UInt64(max(0, try row.value("ticket", as: Int64.self))), line)
    }

    private static func fetchLine(
        _ connection: PostgresConnection, account: String, recipient: String,
        logger: Logger
    ) async throws -> [RecipientLineEntry] {
        try await connection.query(
            """
            SELECT command_id, tier_ms, parked_at, parked_ticket, admitted_ticket, admitted_at, expires_at
            FROM recipient_lines WHERE account = \(account) AND recipient = \(recipient) ORDER BY position
            """, logger: logger
        ).rows().map { row in
            RecipientLineEntry(
                commandId: try row.value("command_id"),
                tier: try row.value("tier_ms", as: Int64?.self).map { .milliseconds($0) },
                parkedAt: PostgresTime.date(try row.value("parked_at", as: Int64?.self)),
                parkedTicket: UInt64(max(0, try row.value("parked_ticket", as: Int64.self))),
                admittedTicket: UInt64(max(0, try row.value("admitted_ticket", as: Int64.self))),
                admittedAt: PostgresTime.date(try row.value("admitted_at", as: Int64?.self)),
                expiresAt: PostgresTime.date(try row.value("expires_at", as: Int64.self))
            )
        }
    }

    /// Replaces the recipient's line, in the caller's transaction (which locked and read it).
    private static func saveLine(
        _ connection: PostgresConnection, _ line: [RecipientLineEntry], account: String, recipient: String,
        logger: Logger
    ) async throws {
        try await connection.query("DELETE FROM recipient_lines WHERE account = \(account) AND recipient = \(recipient)", logger: logger)
        for (position, entry) in line.enumerated() {
            let tier: Int64? = entry.tier.map { PostgresTime.millis($0) }
            try await connection.query(
                """
                INSERT INTO recipient_lines (account, recipient, position, command_id, tier_ms, parked_at, parked_ticket,
                                             admitted_ticket, admitted_at, expires_at)
                VALUES (\(account), \(recipient), \(Int64(position)), \(entry.commandId), \(tier), \(entry.parkedAt.map { PostgresTime.millis($0) }),
                        \(Int64(clamping: entry.parkedTicket)), \(Int64(clamping: entry.admittedTicket)),
                        \(entry.admittedAt.map { PostgresTime.millis($0) }), \(PostgresTime.millis(entry.expiresAt)))
                """, logger: logger)
        }
    }
}
