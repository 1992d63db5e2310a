import Foundation
import GRDB

extension SQLiteStateStore {
    public func sendEntry(account: String, key: String) async throws -> SendEntry? {
        try await read("reading send \(key) of account \(account)") { db in
            try Self.fetchSend(db, account: account, key: key)
        }
    }

    @discardableResult
    public func recordPending(account: String, key: String) async throws -> SendEntry {
        let now = now()
        let operation = "recording send \(key) of account \(account)"
        let file = file
        return try await write(operation) { db in
            let current = try Self.fetchSend(db, account: account, key: key)
            if let entry = SendLedgerRules.pending(current, account: account, key: key, now: now),
                try Self.saveSend(db, entry, replacing: nil)
            {
                return entry
            }
            guard let stored = try Self.fetchSend(db, account: account, key: key) else {
                // Unreachable inside one transaction: the row was read or just failed to insert.
                throw StateStoreError.database(file: file, operation: operation, reason: "the entry vanished during the write")
            }
            return stored
        }
    }

    public func claimSend(account: String, key: String, owner: String) async throws -> SendClaim {
        let now = now()
        let staleAfter = options.staleClaimAfter
        return try await write("claiming send \(key) of account \(account)") { db in
            let current = try Self.fetchSend(db, account: account, key: key)
            let decision = SendLedgerRules.claim(current, account: account, key: key, owner: owner, now: now, staleAfter: staleAfter)
            guard let entry = decision.write else { return decision.claim }
            guard try Self.saveSend(db, entry, replacing: current) else {
                // Lost a compare-and-set: decide again on what won.
                let winner = try Self.fetchSend(db, account: account, key: key)
                return SendLedgerRules.claim(winner, account: account, key: key, owner: owner, now: now, staleAfter: staleAfter).claim
            }
            return decision.claim
        }
    }

    public func completeSend(account: String, key: String, owner: String, dmEventId: String, conversationId: String?) async throws -> SendTransitionResult {
        let now = now()
        return try await transition("completing send \(key) of account \(account)", account: account, key: key) { current in
            SendLedgerRules.complete(current, owner: owner, dmEventId: dmEventId, conversationId: conversationId, now: now)
        }
    }

    public func failSend(account: String, key: String, owner: String, reason: String) async throws -> SendTransitionResult {
        let now = now()
        return try await transition("failing send \(key) of account \(account)", account: account, key: key) { current in
            SendLedgerRules.fail(current, owner: owner, reason: reason, now: now)
        }
    }

    public func releaseSend(account: String, key: String, owner: String, outcomeUnknownSince: Date?) async throws -> SendTransitionResult {
        let now = now()
        return try await transition("releasing send \(key) of account \(account)", account: account, key: key) { current in
            SendLedgerRules.release(current, owner: owner, outcomeUnknownSince: outcomeUnknownSince, now: now)
        }
    }

    public func markSendPosting(account: String, key: String, owner: String, outcomeUnknownSince: Date) async throws -> SendTransitionResult {
        let now = now()
        return try await transition("recording the post of send \(key) of account \(account)", account: account, key: key) { current in
            SendLedgerRules.posting(current, owner: owner, outcomeUnknownSince: outcomeUnknownSince, now: now)
        }
    }

    public func recordSendMedia(account: String, key: String, owner: String, mediaId: String, uploadedAt: Date) async throws -> SendTransitionResult {
        let now = now()
        return try await transition("recording the uploaded media of send \(key) of account \(account)", account: account, key: key) { current in
            SendLedgerRules.media(current, owner: owner, mediaId: mediaId, uploadedAt: uploadedAt, now: now)
        }
    }

    public func markSendReported(account: String, key: String) async throws -> SendTransitionResult {
        let now = now()
        return try await transition("recording the report of send \(key) of account \(account)", account: account, key: key) { current in
            SendLedgerRules.reported(current, now: now)
        }
    }

    @discardableResult
    public func pruneSends(account: String) async throws -> Int {
        let cutoff = SQLiteTime.millis(now().addingTimeInterval(-options.sendRetention.seconds))
        return try await write("pruning the send ledger of account \(account)") { db in
            try db.cachedStatement(sql: "DELETE FROM send_ledger WHERE account = ? AND state IN ('sent', 'failed') AND updated_at < ?").execute(arguments: [account, cutoff])
            let pruned = db.changesCount
            // Counts of commands not seen for as long (their last delivery long settled or gone).
            try db.cachedStatement(sql: "DELETE FROM send_deliveries WHERE account = ? AND updated_at < ?").execute(arguments: [account, cutoff])
            return pruned
        }
    }

    public func beginDelivery(account: String, commandId: String) async throws -> Int {
        let now = SQLiteTime.millis(now())
        return try await write("counting a delivery of command \(commandId) of account \(account)") { db in
            try db.cachedStatement(
                sql: """
                    INSERT INTO send_deliveries (account, command_id, unsettled, updated_at) VALUES (?, ?, 1, ?)
                    ON CONFLICT (account, command_id) DO UPDATE SET unsettled = unsettled + 1, updated_at = excluded.updated_at
                    """
            ).execute(arguments: [account, commandId, now])
            return try Int.fetchOne(
                db.cachedStatement(sql: "SELECT unsettled FROM send_deliveries WHERE account = ? AND command_id = ?"), arguments: [account, commandId]) ?? 1
        }
    }

    public func settleDelivery(account: String, commandId: String, finished: Bool) async throws {
        let now = SQLiteTime.millis(now())
        try await write("settling a delivery of command \(commandId) of account \(account)") { db in
            if finished {
                try db.cachedStatement(sql: "DELETE FROM send_deliveries WHERE account = ? AND command_id = ?").execute(arguments: [account, commandId])
            } else {
                try db.cachedStatement(sql: "UPDATE send_deliveries SET unsettled = max(0, unsettled - 1), updated_at = ? WHERE account = ? AND command_id = ?").execute(arguments: [
                    now, account, commandId,
                ])
            }
        }
    }

    public func unsettledDeliveries(account: String, commandId: String) async throws -> Int {
        try await read("reading the deliveries of command \(commandId) of account \(account)") { db in
            try Int.fetchOne(
                db.cachedStatement(sql: "SELECT unsettled FROM send_deliveries WHERE account = ? AND command_id = ?"), arguments: [account, commandId]) ?? 0
        }
    }

    private func transition(
        _ operation: String, account: String, key: String,
        decide: @escaping @Sendable (SendEntry?) -> SendLedgerRules.Decision
    ) async throws -> SendTransitionResult {
        try await write(operation) { db in
            let current = try Self.fetchSend(db, account: account, key: key)
            switch decide(current) {
            case .unchanged(let result):
                return result
            case .write(let entry):
                guard try Self.saveSend(db, entry, replacing: current) else {
                    return .rejected(current: try Self.fetchSend(db, account: account, key: key))
                }
                return .applied(entry)
            }
        }
    }

    /// Compare-and-set: inserts `entry` when `current` is nil (failing if a row appeared), else
    /// updates the row only if its revision is still `current.revision`. True when written.
    private static func saveSend(_ db: Database, _ entry: SendEntry, replacing current: SendEntry?) throws -> Bool {
        let row = SendLedgerRow(entry)
        let values: StatementArguments = [
            entry.account, entry.key, row.state, row.owner, row.since, row.dmEventId, row.conversationId, row.reason, row.finishedAt,
            row.attempts, row.revision, row.createdAt, row.updatedAt, row.unverifiedSince, row.reportedAt,
            row.mediaId, row.mediaUploadedAt,
        ]
        if let current {
            try db.cachedStatement(
                sql: """
                    UPDATE send_ledger SET state = ?3, owner = ?4, since = ?5, dm_event_id = ?6, conversation_id = ?7,
                                           reason = ?8, finished_at = ?9, attempts = ?10, revision = ?11, updated_at = ?13,
                                           unverified_since = ?14, reported_at = ?15, media_id = ?16, media_uploaded_at = ?17
                    WHERE account = ?1 AND key = ?2 AND revision = ?18 AND state = ?19
                    """
            ).execute(arguments: values + [current.revision, current.state.name])
        } else {
            try db.cachedStatement(
                sql: """
                    INSERT INTO send_ledger (account, key, state, owner, since, dm_event_id, conversation_id, reason, finished_at,
                                             attempts, revision, created_at, updated_at, unverified_since, reported_at,
                                             media_id, media_uploaded_at)
                    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)
                    ON CONFLICT (account, key) DO NOTHING
                    """
            ).execute(arguments: values)
        }
        return db.changesCount == 1
    }

    static func fetchSend(_ db: Database, account: String, key: String) throws -> SendEntry? {
        guard
            let row = try Row.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT state, owner, since, dm_event_id, conversation_id, reason, finished_at, attempts, revision, created_at, updated_at,
                               unverified_since, reported_at, media_id, media_uploaded_at
                        FROM send_ledger WHERE account = ? AND key = ?
                        """),
                arguments: [account, key]
            )
        else { return nil }
        // By position, in the SELECT's order: a lookup by name lowercases and compares every
        // column name, and this runs several times for each DM sent.
        return SendLedgerRow(
            state: row[0], owner: row[1], since: row[2], dmEventId: row[3], conversationId: row[4], reason: row[5],
            finishedAt: row[6], attempts: row[7], revision: row[8], createdAt: row[9], updatedAt: row[10],
            unverifiedSince: row[11], reportedAt: row[12], mediaId: row[13], mediaUploadedAt: row[14]
        ).entry(account: account, key: key)
    }
}
