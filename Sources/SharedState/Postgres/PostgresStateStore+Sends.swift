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
        let now = nowParameter
        let logger = logger
        return try await perform("recording send \(key) of account \(account)") { connection in
            let (now, current) = try await Self.fetchSend(connection, account: account, key: key, now: now, logger: logger)
            guard let entry = SendLedgerRules.pending(current, account: account, key: key, now: now) else {
                if let current { return current }
                throw PostgresErrorMapping.CompareAndSetLost()
            }
            guard try await Self.saveSend(connection, entry, replacing: nil, logger: logger) else { throw PostgresErrorMapping.CompareAndSetLost() }
            return entry
        }
    }

    public func claimSend(account: String, key: String, owner: String) async throws -> SendClaim {
        let now = nowParameter
        let staleAfter = options.staleClaimAfter
        let logger = logger
        return try await perform("claiming send \(key) of account \(account)") { connection in
            let (now, current) = try await Self.fetchSend(connection, account: account, key: key, now: now, logger: logger)
            let decision = SendLedgerRules.claim(current, account: account, key: key, owner: owner, now: now, staleAfter: staleAfter)
            guard let entry = decision.write else { return decision.claim }
            // Lost: someone wrote first; decide again on what won.
            guard try await Self.saveSend(connection, entry, replacing: current, logger: logger) else { throw PostgresErrorMapping.CompareAndSetLost() }
            return decision.claim
        }
    }

    public func completeSend(account: String, key: String, owner: String, dmEventId: String, conversationId: String?) async throws -> SendTransitionResult {
        try await transition("completing send \(key) of account \(account)", account: account, key: key) { current, now in
            SendLedgerRules.complete(current, owner: owner, dmEventId: dmEventId, conversationId: conversationId, now: now)
        }
    }

    public func failSend(account: String, key: String, owner: String, reason: String) async throws -> SendTransitionResult {
        try await transition("failing send \(key) of account \(account)", account: account, key: key) { current, now in
            SendLedgerRules.fail(current, owner: owner, reason: reason, now: now)
        }
    }

    public func releaseSend(account: String, key: String, owner: String, outcomeUnknownSince: Date?) async throws -> SendTransitionResult {
        try await transition("releasing send \(key) of account \(account)", account: account, key: key) { current, now in
            SendLedgerRules.release(current, owner: owner, outcomeUnknownSince: outcomeUnknownSince, now: now)
        }
    }

    public func markSendPosting(account: String, key: String, owner: String, outcomeUnknownSince: Date) async throws -> SendTransitionResult {
        try await transition("recording the post of send \(key) of account \(account)", account: account, key: key) { current, now in
            SendLedgerRules.posting(current, owner: owner, outcomeUnknownSince: outcomeUnknownSince, now: now)
        }
    }

    public func recordSendMedia(account: String, key: String, owner: String, mediaId: String, uploadedAt: Date) async throws -> SendTransitionResult {
        try await transition("recording the uploaded media of send \(key) of account \(account)", account: account, key: key) { current, now in
            SendLedgerRules.media(current, owner: owner, mediaId: mediaId, uploadedAt: uploadedAt, now: now)
        }
    }

    public func markSendReported(account: String, key: String) async throws -> SendTransitionResult {
        try await transition("recording the report of send \(key) of account \(account)", account: account, key: key) { current, now in
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
            Int(
                try await connection.query(
                    """
                    WITH cutoff AS (SELECT coalesce(\(now)::bigint, \(unescaped: PostgresTime.serverMillis)) - \(retention) AS at),
                         sends AS (DELETE FROM send_ledger WHERE account = \(account) AND state IN ('sent', 'failed')
                                   AND updated_at < (SELECT at FROM cutoff) RETURNING 1),
                         deliveries AS (DELETE FROM send_deliveries WHERE account = \(account) AND updated_at < (SELECT at FROM cutoff) RETURNING 1)
                    SELECT (SELECT count(*) FROM sends) + 0 * (SELECT count(*) FROM deliveries)
                    """, logger: logger
                ).collect(Int64.self).first ?? 0)
        }
    }

    public func beginDelivery(account: String, commandId: String) async throws -> Int {
        let now = nowParameter
        let logger = logger
        return try await perform("counting a delivery of command \(commandId) of account \(account)") { connection in
            Int(
                try await connection.query(
                    """
                    INSERT INTO send_deliveries (account, command_id, unsettled, updated_at)
                    VALUES (\(account), \(commandId), 1, coalesce(\(now)::bigint, \(unescaped: PostgresTime.serverMillis)))
                    ON CONFLICT (account, command_id) DO UPDATE SET
                        unsettled = send_deliveries.unsettled + 1, updated_at = excluded.updated_at
                    RETURNING unsettled
                    """, logger: logger
                ).collect(Int64.self).first ?? 1)
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
                try await connection.query(
                    """
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
            Int(
                try await connection.query(
                    "SELECT unsettled FROM send_deliveries WHERE account = \(account) AND command_id = \(commandId)", logger: logger
                ).collect(Int64.self).first ?? 0)
        }
    }

    /// Reads the entry with the time, lets `decide` (a `SendLedgerRules` function) decide, and
    /// writes with a compare-and-set on the revision read; a lost write is read and decided again.
    private func transition(
        _ operation: String, account: String, key: String,
        decide: @escaping @Sendable (SendEntry?, Date) -> SendLedgerRules.Decision
    ) async throws -> SendTransitionResult {
        let now = nowParameter
        let logger = logger
        return try await perform(operation) { connection in
            let (now, current) = try await Self.fetchSend(connection, account: account, key: key, now: now, logger: logger)
            switch decide(current, now) {
            case .unchanged(let result):
                return result
            case .write(let entry):
                guard try await Self.saveSend(connection, entry, replacing: current, logger: logger) else {
                    throw PostgresErrorMapping.CompareAndSetLost()
                }
                return .applied(entry)
            }
        }
    }

    /// Compare-and-set: inserts `entry` when `current` is nil (failing if a row appeared), else
    /// updates the row only if its revision and state are still `current`'s. True when written.
    private static func saveSend(
        _ connection: PostgresConnection, _ entry: SendEntry, replacing current: SendEntry?,
        logger: Logger
    ) async throws -> Bool {
        let row = SendLedgerRow(entry)
        if let current {
            return try await !connection.query(
                """
                UPDATE send_ledger SET state = \(row.state), owner = \(row.owner), since = \(row.since), dm_event_id = \(row.dmEventId),
                                       conversation_id = \(row.conversationId), reason = \(row.reason), finished_at = \(row.finishedAt),
                                       attempts = \(row.attempts), revision = \(row.revision), updated_at = \(row.updatedAt),
                                       unverified_since = \(row.unverifiedSince), reported_at = \(row.reportedAt),
                                       media_id = \(row.mediaId), media_uploaded_at = \(row.mediaUploadedAt)
                WHERE account = \(entry.account) AND key = \(entry.key) AND revision = \(current.revision) AND state = \(current.state.name)
                RETURNING 1
                """, logger: logger
            ).rows().isEmpty
        }
        return try await !connection.query(
            """
            INSERT INTO send_ledger (account, key, state, owner, since, dm_event_id, conversation_id, reason, finished_at,
                                     attempts, revision, created_at, updated_at, unverified_since, reported_at, media_id, media_uploaded_at)
            VALUES (\(entry.account), \(entry.key), \(row.state), \(row.owner), \(row.since), \(row.dmEventId), \(row.conversationId),
                    \(row.reason), \(row.finishedAt), \(row.attempts), \(row.revision), \(row.createdAt), \(row.updatedAt),
                    \(row.unverifiedSince), \(row.reportedAt), \(row.mediaId), \(row.mediaUploadedAt))
            ON CONFLICT (account, key) DO NOTHING
            RETURNING 1
            """, logger: logger
        ).rows().isEmpty
    }

    /// The entry as stored and the time it is judged at (`PostgresTime`), in one statement.
    static func fetchSend(
        _ connection: PostgresConnection, account: String, key: String, now: Int64?,
        logger: Logger
    ) async throws -> (now: Date, entry: SendEntry?) {
        guard
            let row = try await connection.query(
                """
                WITH clock AS (SELECT coalesce(\(now)::bigint, \(unescaped: PostgresTime.serverMillis)) AS now)
                SELECT clock.now, s.state, s.owner, s.since, s.dm_event_id, s.conversation_id, s.reason, s.finished_at, s.attempts,
                       s.revision, s.created_at, s.updated_at, s.unverified_since, s.reported_at, s.media_id, s.media_uploaded_at
                FROM clock LEFT JOIN send_ledger s ON s.account = \(account) AND s.key = \(key)
                """, logger: logger
            ).rows().first
        else { throw PostgresErrorMapping.CompareAndSetLost() }
        let now = PostgresTime.date(try row.value("now", as: Int64.self))
        guard let stateName = try row.value("state", as: String?.self) else { return (now, nil) }
        let entry = SendLedgerRow(
            state: stateName, owner: try row.value("owner"), since: try row.value("since"), dmEventId: try row.value("dm_event_id"),
            conversationId: try row.value("conversation_id"), reason: try row.value("reason"), finishedAt: try row.value("finished_at"),
            attempts: try row.value("attempts"), revision: try row.value("revision"), createdAt: try row.value("created_at"),
            updatedAt: try row.value("updated_at"), unverifiedSince: try row.value("unverified_since"), reportedAt: try row.value("reported_at"),
            mediaId: try row.value("media_id"), mediaUploadedAt: try row.value("media_uploaded_at")
        ).entry(account: account, key: key)
        return (now, entry)
    }
}
