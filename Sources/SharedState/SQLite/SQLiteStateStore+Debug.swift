import Foundation
import GRDB

extension SQLiteStateStore {
    public func debugSnapshot() async throws -> StateSnapshot {
        let now = now()
        let policy = options.cache
        let accounts = try await read("reading a debug snapshot") { db in
            let names = try String.fetchAll(
                db,
                sql: """
                    SELECT account FROM tokens UNION SELECT account FROM cursors
                    UNION SELECT account FROM cache_users UNION SELECT account FROM cache_conversations
                    ORDER BY account
                    """)
            return try names.map { account in
                let cursor = try Row.fetchOne(db, sql: "SELECT last_read_id, updated_at FROM cursors WHERE account = ?", arguments: [account])
                let users = try Row.fetchAll(
                    db, sql: "SELECT user_id, name, username, updated_at FROM cache_users WHERE account = ? ORDER BY user_id",
                    arguments: [account]
                ).map { row in
                    CacheEntry(
                        record: CachedUser(id: row["user_id"], name: row["name"], username: row["username"]),
                        updatedAt: SQLiteTime.date(row["updated_at"] as Int64))
                }
                let conversations = try Row.fetchAll(
                    db, sql: "SELECT conversation_id, participant_id, updated_at FROM cache_conversations WHERE account = ? ORDER BY conversation_id",
                    arguments: [account]
                ).map { row in
                    CacheEntry(
                        record: CachedConversation(conversationId: row["conversation_id"], participantId: row["participant_id"]),
                        updatedAt: SQLiteTime.date(row["updated_at"] as Int64))
                }
                return AccountSnapshot(
                    account: account,
                    token: try Self.fetchToken(db, account: account).map(TokenSummary.init),
                    cursor: (cursor?["last_read_id"] as Int64?).map(EventIDOrder.canonical),
                    cursorUpdatedAt: SQLiteTime.date(cursor?["updated_at"] as Int64?),
                    users: users,
                    conversations: conversations
                )
            }
        }
        return StateSnapshot(accounts: accounts, cache: policy, takenAt: now)
    }
}
