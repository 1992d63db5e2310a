import Foundation
import Logging
import PostgresNIO

/// One call of `kiamo_send_transition`, the schema's function (migration 2) that reads a
/// send-ledger entry under a row lock, reads the time, decides a transition and writes it, all in
/// one statement: one round trip and one commit per transition instead of a read and a
/// compare-and-set write.
///
/// `SendLedgerRules` stays the single source of truth of what a caller is told: the function
/// returns the entry as it read it and the time it used, the store lets the rules decide on
/// exactly those, answers with the rules' decision, and checks that the function wrote what the
/// rules decided (`expect`). The SQL mirrors the rules' guards and writes; every call verifies
/// the mirror, and `SendLedgerRulesMirrorTests` runs every transition from every kind of entry
/// through both.
struct PostgresSendTransition: Sendable {
    /// The transition asked for (the function's `p_operation`).
    enum Operation: String, Sendable {
        case pending, claim, posting, reported, complete, fail, release
    }

    var operation: Operation
    var account: String
    var key: String
    var owner: String? = nil
    var staleAfter: Duration? = nil
    var dmEventId: String? = nil
    var conversationId: String? = nil
    var reason: String? = nil
    var unverifiedSince: Date? = nil

    /// What the function read, when it read it, and what it wrote.
    struct Outcome: Sendable {
        /// The time the transition was decided at (the server's, or the bound `$now`).
        var now: Date
        /// The entry as read under the row lock (nil: none).
        var before: SendEntry?
        /// The entry written, or nil when the function wrote nothing.
        var written: SendEntry?
    }

    /// Runs the transition in one statement (autocommit: committed when it answers).
    func run(_ connection: PostgresConnection, now: Int64?, logger: Logger) async throws -> Outcome {
        let stale = staleAfter?.seconds
        let unverified = unverifiedSince.map(PostgresTime.millis)
        guard let row = try await connection.query("""
            SELECT * FROM kiamo_send_transition(
                \(operation.rawValue)::text, \(account)::text, \(key)::text, \(owner)::text, \(now)::bigint, \(stale)::float8,
                \(dmEventId)::text, \(conversationId)::text, \(reason)::text, \(unverified)::bigint)
            """, logger: logger).rows().first else {
            throw PostgresErrorMapping.CompareAndSetLost()
        }
        return Outcome(
            now: PostgresTime.date(try row.value("clock", as: Int64.self)),
            before: try Self.entry(row, prefix: "old_", account: account, key: key),
            written: try row.value("wrote", as: Bool.self) ? try Self.entry(row, prefix: "new_", account: account, key: key) : nil
        )
    }

    private static func entry(_ row: PostgresRandomAccessRow, prefix: String, account: String, key: String) throws -> SendEntry? {
        guard let state = try row.value(prefix + "state", as: String?.self) else { return nil }
        return SendLedgerRow(
            state: state, owner: try row.value(prefix + "owner"), since: try row.value(prefix + "since"),
            dmEventId: try row.value(prefix + "dm_event_id"), conversationId: try row.value(prefix + "conversation_id"),
            reason: try row.value(prefix + "reason"), finishedAt: try row.value(prefix + "finished_at"),
            attempts: try row.value(prefix + "attempts"), revision: try row.value(prefix + "revision"),
            createdAt: try row.value(prefix + "created_at"), updatedAt: try row.value(prefix + "updated_at"),
            unverifiedSince: try row.value(prefix + "unverified_since"), reportedAt: try row.value(prefix + "reported_at")
        ).entry(account: account, key: key)
    }
}

extension PostgresSendTransition.Outcome {
    /// Checks that the function wrote `decided` (the rules' write on `before` at `now`; nil:
    /// nothing), column for column as stored. A difference means the database's function is not
    /// the one this build installed (changed by hand): refused, never answered as if it agreed.
    func expect(_ decided: SendEntry?, url: String, operation: String) throws {
        guard written.map(SendLedgerRow.init) != decided.map(SendLedgerRow.init) else { return }
        throw StateStoreError.refused(
            url: url, operation: operation,
            reason: "the database's kiamo_send_transition wrote \(written.map { "\($0.state.name) revision \($0.revision)" } ?? "nothing") "
                + "where the send-ledger rules decide \(decided.map { "\($0.state.name) revision \($0.revision)" } ?? "nothing"): "
                + "the function was changed outside this worker's migrations; restore it from a worker's schema (version \(PostgresSchema.version))"
        )
    }
}
