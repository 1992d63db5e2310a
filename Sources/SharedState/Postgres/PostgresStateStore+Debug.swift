import Foundation
import PostgresNIO

extension PostgresStateStore {
    public func debugSnapshot() async throws -> StateSnapshot {
        let now = nowParameter
        let policy = options.cache
        let logger = logger
        return try await transaction("reading a debug snapshot") { connection in
            // One repeatable-read transaction: every account as of one moment.
            try await connection.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY", logger: logger)
            let takenAt = PostgresTime.date(
                try await connection.query(
                    "SELECT coalesce(\(now)::bigint, \(unescaped: PostgresTime.serverMillis))", logger: logger
                ).collect(Int64.self).first ?? 0)
            let names = try await connection.query(
                """
                SELECT account FROM tokens UNION SELECT account FROM cursors
                UNION SELECT account FROM cache_users UNION SELECT account FROM cache_conversations
                ORDER BY account
                """, logger: logger
            ).collect(String.self)
            var accounts: [AccountSnapshot] = []
            for account in names {
                let cursor = try await connection.query(
                    "SELECT last_read_id, updated_at FROM cursors WHERE account = \(account)", logger: logger
                ).rows().first
                let users = try await connection.query(
                    "SELECT user_id, name, username, updated_at FROM cache_users WHERE account = \(account) ORDER BY user_id", logger: logger
                ).rows().map { row in
                    CacheEntry(
                        record: CachedUser(id: try row.value("user_id"), name: try row.value("name"), username: try row.value("username")),
                        updatedAt: PostgresTime.date(try row.value("updated_at", as: Int64.self)))
                }
                let conversations = try await connection.query(
                    "SELECT conversation_id, participant_id, updated_at FROM cache_conversations WHERE account = \(account) ORDER BY conversation_id",
                    logger: logger
                ).rows().map { row in
                    CacheEntry(
                        record: CachedConversation(conversationId: try row.value("conversation_id"), participantId: try row.value("participant_id")),
                        updatedAt: PostgresTime.date(try row.value("updated_at", as: Int64.self)))
                }
                accounts.append(
                    AccountSnapshot(
                        account: account,
                        token: try await Self.fetchToken(connection, account: account, logger: logger).map(TokenSummary.init),
                        cursor: try cursor?.value("last_read_id", as: Int64.self).description,
                        cursorUpdatedAt: PostgresTime.date(try cursor?.value("updated_at", as: Int64.self)),
                        users: users,
                        conversations: conversations
                    ))
            }
            return StateSnapshot(accounts: accounts, cache: policy, takenAt: takenAt)
        }
    }
}
