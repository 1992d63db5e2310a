import Foundation
import PostgresNIO

extension PostgresStateStore {
    public func sendEntry(account: String, key: String) async throws -> SendEntry? {
        let now = nowParameter
        let logger = logger
        return try await perform("reading send \(key) of account \(account)") { connection in
            try await Self.fetchSend(connection, account: account, key: key, now: now, logger: logger).entry
        }
    }

    @discardableResult
    public func recordPending(account: String, key: String) async throws -> SendEntry {
        let operation = "recording send \(key) of account \(account)"
        let call = PostgresSendTransition(operation: .pending, account: account, key: key)
        let stored: SendEntry? = try await decide(operation, call) { current, now in
            let entry = SendLedgerRules.pending(current, account: account, key: key, now: now)
            return (entry, entry ?? current)
        }
        // Neither read nor written: the function read again after a concurrent insert and still
        // found nothing (it raises a serialization failure before that, retried): not reached.
        guard let stored else {
            throw StateStoreError.unavailable(url: location.redacted, operation: operation, reason: "the row kept changing under concurrent writers")
        }
        return stored
    }

    public func claimSend(account: String, key: String, owner: String) async throws -> SendClaim {
        let staleAfter = options.staleClaimAfter
        let call = PostgresSendTransition(operation: .claim, account: account, key: key, owner: owner, staleAfter: staleAfter)
        return try await decide("claiming send \(key) of account \(account)", call) { current, now in
            let decision = SendLedgerRules.claim(current, account: account, key: key, owner: owner, now: now, staleAfter: staleAfter)
            return (decision.write, decision.claim)
        }
    }

    public func completeSend(account: String, key: String, owner: String, dmEventId: String, conversationId: String?) async throws -> SendTransitionResult {
        let call = PostgresSendTransition(operation: .complete, account: account, key: key, owner: owner, dmEventId: dmEventId,
                                          conversationId: conversationId)
        return try await transition("completing send \(key) of account \(account)", call) { current, now in
            SendLedgerRules.complete(current, owner: owner, dmEventId: dmEventId, conversationId: conversationId, now: now)
        }
    }

    public func failSend(account: String, key: String, owner: String, reason: String) async throws -> SendTransitionResult {
        let call = PostgresSendTransition(operation: .fail, account: account, key: key, owner: owner, reason: reason)
        return try await transition("failing send \(key) of account \(account)", call) { current, now in
            SendLedgerRules.fail(current, owner: owner, reason: reason, now: now)
        }
    }

    public func releaseSend(account: String, key: String, owner: String, outcomeUnknownSince: Date?) async throws -> SendTransitionResult {
        let call = PostgresSendTransition(operation: .release, account: account, key: key, owner: owner, unverifiedSince: outcomeUnknownSince)
        return try await transition("releasing send \(key) of account \(account)", call) { current, now in
            SendLedgerRules.release(current, owner: owner, outcomeUnknownSince: outcomeUnknownSince, now: now)
        }
    }

    public func markSendPosting(account: String, key: String, owner: String, outcomeUnknownSince: Date) async throws -> SendTransitionResult {
        let call = PostgresSendTransition(operation: .posting, account: account, key: key, owner: owner, unverifiedSince: outcomeUnknownSince)
        return try await transition("recording the post of send \(key) of account \(account)", call) { current, now in
            SendLedgerRules.posting(current, owner: owner, outcomeUnknownSince: outcomeUnknownSince, now: now)
        }
    }

    public func markSendReported(account: String, key: String) async throws -> SendTransitionResult {
        let call = PostgresSendTransition(operation: .reported, account: account, key: key)
        return try await transition("recording the report of send \(key) of account \(account)", call) { current, now in
            SendLedgerRules.reported(current, now: now)
        }
    }

    @discardableResult
    public func pruneSends(account: String) async throws -> Int {
        let now = nowParameter
        let retention = PostgresTime.millis(options.sendRetention)
        let logger = logger
        return try await perform("pruning the send ledger of account \(account)") { connection in
            // Counts of commands not seen for as long go too (their last delivery long settled or gone).
            Int(try await connection.query("""
                WITH cutoff AS (SELECT coalesce(\(now)::bigint, \(unescaped: PostgresTime.serverMillis)) - \(retention) AS at),
                     sends AS (DELETE FROM send_ledger WHERE account = \(account) AND state IN ('sent', 'failed')
                               AND updated_at < (SELECT at FROM cutoff) RETURNING 1),
                     deliveries AS (DELETE FROM send_deliveries WHERE account = \(account) AND updated_at < (SELECT at FROM cutoff) RETURNING 1)
                SELECT (SELECT count(*) FROM sends) + 0 * (SELECT count(*) FROM deliveries)
                """, logger: logger).collect(Int64.self).first ?? 0)
        }
    }

    public func beginDelivery(account: String, commandId: String) async throws -> Int {
        let now = nowParameter
        let logger = logger
        return try await perform("counting a delivery of command \(commandId) of account \(account)") { connection in
            Int(try await connection.query("""
                INSERT INTO send_deliveries (account, command_id, unsettled, updated_at)
                VALUES (\(account), \(commandId), 1, coalesce(\(now)::bigint, \(unescaped: PostgresTime.serverMillis)))
                ON CONFLICT (account, command_id) DO UPDATE SET
                    unsettled = send_deliveries.unsettled + 1, updated_at = excluded.updated_at
                RETURNING unsettled
                """, logger: logger).collect(Int64.self).first ?? 1)
        }
    }

    public func settleDelivery(account: String, commandId: String, finished: Bool) async throws {
        let now = nowParameter
        let logger = logger
        try await perform("settling a delivery of command \(commandId) of account \(account)") { (connection: PostgresConnection) -> Void in
            if finished {
                try await connection.query(
                    "DELETE FROM send_deliveries WHERE account = \(account) AND command_id = \(commandId)", logger: logger)
            } else {
                try await connection.query("""
                    UPDATE send_deliveries SET unsettled = greatest(0, unsettled - 1),
                                               updated_at = coalesce(\(now)::bigint, \(unescaped: PostgresTime.serverMillis))
                    WHERE account = \(account) AND command_id = \(commandId)
                    """, logger: logger)
            }
        }
    }

    public func unsettledDeliveries(account: String, commandId: String) async throws -> Int {
        let logger = logger
        return try await perform("reading the deliveries of command \(commandId) of account \(account)") { connection in
            Int(try await connection.query(
                "SELECT unsettled FROM send_deliveries WHERE account = \(account) AND command_id = \(commandId)", logger: logger
            ).collect(Int64.self).first ?? 0)
        }
    }

    /// A finishing transition: `kiamo_send_transition` decides and writes it in one statement,
    /// `decide` (a `SendLedgerRules` function) decides on what it read; see `decide(_:_:_:)`.
    private func transition(
        _ operation: String, _ call: PostgresSendTransition,
        decide: @escaping @Sendable (SendEntry?, Date) -> SendLedgerRules.Decision
    ) async throws -> SendTransitionResult {
        try await self.decide(operation, call) { current, now in
            switch decide(current, now) {
            case .unchanged(let result): (nil, result)
            case .write(let entry): (entry, .applied(entry))
            }
        }
    }

    /// Runs `call` (one statement: the entry read under its row lock, the time, the write), then
    /// lets `rules` decide on the entry and time the function read: the caller is answered by
    /// the rules, and what the function wrote must be the rules' write (`Outcome.expect`).
    /// Contention is decided inside the statement (the row lock; a concurrent first insert is
    /// read again there), so nothing is decided on a stale read.
    private func decide<Answer: Sendable>(
        _ operation: String, _ call: PostgresSendTransition,
        _ rules: @escaping @Sendable (SendEntry?, Date) -> (write: SendEntry?, answer: Answer)
    ) async throws -> Answer {
        let now = nowParameter
        let logger = logger
        let url = location.redacted
        return try await perform(operation) { connection in
            let outcome = try await call.run(connection, now: now, logger: logger)
            let decision = rules(outcome.before, outcome.now)
            try outcome.expect(decision.write, url: url, operation: operation)
            return decision.answer
        }
    }

    /// The entry as stored and the time it is judged at (`PostgresTime`), in one statement.
    static func fetchSend(_ connection: PostgresConnection, account: String, key: String, now: Int64?,
                          logger: Logger) async throws -> (now: Date, entry: SendEntry?) {
        guard let row = try await connection.query("""
            WITH clock AS (SELECT coalesce(\(now)::bigint, \(unescaped: PostgresTime.serverMillis)) AS now)
            SELECT clock.now, s.state, s.owner, s.since, s.dm_event_id, s.conversation_id, s.reason, s.finished_at, s.attempts,
                   s.revision, s.created_at, s.updated_at, s.unverified_since, s.reported_at
            FROM clock LEFT JOIN send_ledger s ON s.account = \(account) AND s.key = \(key)
            """, logger: logger).rows().first else { throw PostgresErrorMapping.CompareAndSetLost() }
        let now = PostgresTime.date(try row.value("now", as: Int64.self))
        guard let stateName = try row.value("state", as: String?.self) else { return (now, nil) }
        let entry = SendLedgerRow(
            state: stateName, owner: try row.value("owner"), since: try row.value("since"), dmEventId: try row.value("dm_event_id"),
            conversationId: try row.value("conversation_id"), reason: try row.value("reason"), finishedAt: try row.value("finished_at"),
            attempts: try row.value("attempts"), revision: try row.value("revision"), createdAt: try row.value("created_at"),
            updatedAt: try row.value("updated_at"), unverifiedSince: try row.value("unverified_since"), reportedAt: try row.value("reported_at")
        ).entry(account: account, key: key)
        return (now, entry)
    }
}
