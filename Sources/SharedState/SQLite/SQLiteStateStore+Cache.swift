import Foundation
import GRDB

extension SQLiteStateStore {
    @discardableResult
    public func addToCache(account: String, user: CachedUser, at: Date) async throws -> Bool {
        guard options.cache.enabled else { return false }
        return try await write("caching user \(user.id) of account \(account)") { db in
            // Newer wins (`CacheRules.replaces`), decided inside the statement.
            try db.cachedStatement(
                sql: """
                    INSERT INTO cache_users (account, user_id, name, username, updated_at) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (account, user_id) DO UPDATE SET
                        name = excluded.name, username = excluded.username, updated_at = excluded.updated_at
                    WHERE excluded.updated_at > cache_users.updated_at
                    """
            ).execute(arguments: [account, user.id, user.name, user.username, SQLiteTime.millis(at)])
            return db.changesCount == 1
        }
    }

    @discardableResult
    public func addToCache(account: String, conversation: CachedConversation, at: Date) async throws -> Bool {
        guard options.cache.enabled else { return false }
        return try await write("caching conversation \(conversation.conversationId) of account \(account)") { db in
            try db.cachedStatement(
                sql: """
                    INSERT INTO cache_conversations (account, conversation_id, participant_id, updated_at) VALUES (?, ?, ?, ?)
                    ON CONFLICT (account, conversation_id) DO UPDATE SET
                        participant_id = excluded.participant_id, updated_at = excluded.updated_at
                    WHERE excluded.updated_at > cache_conversations.updated_at
                    """
            ).execute(arguments: [account, conversation.conversationId, conversation.participantId, SQLiteTime.millis(at)])
            return db.changesCount == 1
        }
    }

    public func getFromCache(account: String, userId: String) async throws -> CachedUser? {
        guard options.cache.enabled else { return nil }
        let cutoff = SQLiteTime.millis(CacheRules.expiryCutoff(now: now(), policy: options.cache))
        return try await read("reading cached user \(userId) of account \(account)") { db in
            try Row.fetchOne(
                db.cachedStatement(sql: "SELECT name, username FROM cache_users WHERE account = ? AND user_id = ? AND updated_at >= ?"), arguments: [account, userId, cutoff]
            ).map { CachedUser(id: userId, name: $0["name"], username: $0["username"]) }
        }
    }

    public func getFromCache(account: String, conversationId: String) async throws -> CachedConversation? {
        guard options.cache.enabled else { return nil }
        let cutoff = SQLiteTime.millis(CacheRules.expiryCutoff(now: now(), policy: options.cache))
        return try await read("reading cached conversation \(conversationId) of account \(account)") { db in
            try String.fetchOne(
                db.cachedStatement(sql: "SELECT participant_id FROM cache_conversations WHERE account = ? AND conversation_id = ? AND updated_at >= ?"), arguments: [account, conversationId, cutoff]
            ).map { CachedConversation(conversationId: conversationId, participantId: $0) }
        }
    }

    public func getFromCache(account: String, participantId: String) async throws -> CachedConversation? {
        guard options.cache.enabled else { return nil }
        let cutoff = SQLiteTime.millis(CacheRules.expiryCutoff(now: now(), policy: options.cache))
        return try await read("reading cached conversation with \(participantId) of account \(account)") { db in
            try String.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT conversation_id FROM cache_conversations
                        WHERE account = ? AND participant_id = ? AND updated_at >= ?
                        ORDER BY updated_at DESC LIMIT 1
                        """), arguments: [account, participantId, cutoff]
            ).map { CachedConversation(conversationId: $0, participantId: participantId) }
        }
    }

    public func cleanCache(account: String) async throws -> CacheCleaning {
        let policy = options.cache
        guard policy.enabled else { return .disabled }
        let now = now()
        let cutoff = SQLiteTime.millis(CacheRules.expiryCutoff(now: now, policy: policy))
        return try await write("cleaning the cache of account \(account)") { db in
            let last = try Int64.fetchOne(db.cachedStatement(sql: "SELECT cleaned_at FROM cache_cleanings WHERE account = ?"), arguments: [account])
            let lastCleanedAt = SQLiteTime.date(last)
            guard CacheRules.isCleaningDue(lastCleanedAt: lastCleanedAt, now: now, policy: policy) else {
                return .notDue(nextAt: CacheRules.nextCleaning(lastCleanedAt: lastCleanedAt, policy: policy) ?? now)
            }
            // Compare-and-set on the last cleaning time read: one cleaner per period.
            if let last {
                try db.cachedStatement(sql: "UPDATE cache_cleanings SET cleaned_at = ? WHERE account = ? AND cleaned_at = ?").execute(arguments: [SQLiteTime.millis(now), account, last])
            } else {
                try db.cachedStatement(sql: "INSERT INTO cache_cleanings (account, cleaned_at) VALUES (?, ?) ON CONFLICT (account) DO NOTHING").execute(arguments: [account, SQLiteTime.millis(now)])
            }
            guard db.changesCount == 1 else { return .notDue(nextAt: now.addingTimeInterval(Double(policy.checkEveryInSecs))) }
            try db.cachedStatement(sql: "DELETE FROM cache_users WHERE account = ? AND updated_at < ?").execute(arguments: [account, cutoff])
            var removed = db.changesCount
            try db.cachedStatement(sql: "DELETE FROM cache_conversations WHERE account = ? AND updated_at < ?").execute(arguments: [account, cutoff])
            removed += db.changesCount
            return .cleaned(removed: removed)
        }
    }
}
