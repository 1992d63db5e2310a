import Foundation
import PostgresNIO

extension PostgresStateStore {
    @discardableResult
    public func addToCache(account: String, user: CachedUser, at: Date) async throws -> Bool {
        guard options.cache.enabled else { return false }
        let logger = logger
        let (id, name, username) = (user.id, user.name, user.username)
        return try await perform("caching user \(user.id) of account \(account)") { connection in
            // Newer wins (`CacheRules.replaces`), decided inside the statement on the stored row.
            try await !connection.query(
                """
                INSERT INTO cache_users (account, user_id, name, username, updated_at)
                VALUES (\(account), \(id), \(name), \(username), \(PostgresTime.millis(at)))
                ON CONFLICT (account, user_id) DO UPDATE SET
                    name = excluded.name, username = excluded.username, updated_at = excluded.updated_at
                WHERE excluded.updated_at > cache_users.updated_at
                RETURNING 1
                """, logger: logger
            ).rows().isEmpty
        }
    }

    @discardableResult
    public func addToCache(account: String, conversation: CachedConversation, at: Date) async throws -> Bool {
        guard options.cache.enabled else { return false }
        let logger = logger
        return try await perform("caching conversation \(conversation.conversationId) of account \(account)") { connection in
            try await !connection.query(
                """
                INSERT INTO cache_conversations (account, conversation_id, participant_id, updated_at)
                VALUES (\(account), \(conversation.conversationId), \(conversation.participantId), \(PostgresTime.millis(at)))
                ON CONFLICT (account, conversation_id) DO UPDATE SET
                    participant_id = excluded.participant_id, updated_at = excluded.updated_at
                WHERE excluded.updated_at > cache_conversations.updated_at
                RETURNING 1
                """, logger: logger
            ).rows().isEmpty
        }
    }

    public func getFromCache(account: String, userId: String) async throws -> CachedUser? {
        let policy = options.cache
        guard policy.enabled else { return nil }
        let now = nowParameter
        let logger = logger
        return try await perform("reading cached user \(userId) of account \(account)") { connection in
            guard
                let row = try await connection.query(
                    """
                    WITH clock AS (SELECT coalesce(\(now)::bigint, \(unescaped: PostgresTime.serverMillis)) AS now)
                    SELECT clock.now, u.name, u.username, u.updated_at
                    FROM clock LEFT JOIN cache_users u ON u.account = \(account) AND u.user_id = \(userId)
                    """, logger: logger
                ).rows().first,
                let updatedAt = try row.value("updated_at", as: Int64?.self),
                !CacheRules.isExpired(updatedAt: PostgresTime.date(updatedAt), now: PostgresTime.date(try row.value("now", as: Int64.self)), policy: policy)
            else { return nil }
            return CachedUser(id: userId, name: try row.value("name"), username: try row.value("username"))
        }
    }

    public func getFromCache(account: String, conversationId: String) async throws -> CachedConversation? {
        let policy = options.cache
        guard policy.enabled else { return nil }
        let now = nowParameter
        let logger = logger
        return try await perform("reading cached conversation \(conversationId) of account \(account)") { connection in
            guard
                let row = try await connection.query(
                    """
                    WITH clock AS (SELECT coalesce(\(now)::bigint, \(unescaped: PostgresTime.serverMillis)) AS now)
                    SELECT clock.now, c.participant_id, c.updated_at
                    FROM clock LEFT JOIN cache_conversations c ON c.account = \(account) AND c.conversation_id = \(conversationId)
                    """, logger: logger
                ).rows().first,
                let updatedAt = try row.value("updated_at", as: Int64?.self),
                !CacheRules.isExpired(updatedAt: PostgresTime.date(updatedAt), now: PostgresTime.date(try row.value("now", as: Int64.self)), policy: policy)
            else { return nil }
            return CachedConversation(conversationId: conversationId, participantId: try row.value("participant_id"))
        }
    }

    public func getFromCache(account: String, participantId: String) async throws -> CachedConversation? {
        let policy = options.cache
        guard policy.enabled else { return nil }
        let now = nowParameter
        let logger = logger
        return try await perform("reading cached conversation with \(participantId) of account \(account)") { connection in
            // The newest one decides: when it is expired, every older one is too.
            guard
                let row = try await connection.query(
                    """
                    WITH clock AS (SELECT coalesce(\(now)::bigint, \(unescaped: PostgresTime.serverMillis)) AS now)
                    SELECT clock.now, c.conversation_id, c.updated_at
                    FROM clock LEFT JOIN LATERAL (
                        SELECT conversation_id, updated_at FROM cache_conversations
                        WHERE account = \(account) AND participant_id = \(participantId)
                        ORDER BY updated_at DESC LIMIT 1
                    ) c ON true
                    """, logger: logger
                ).rows().first,
                let updatedAt = try row.value("updated_at", as: Int64?.self),
                !CacheRules.isExpired(updatedAt: PostgresTime.date(updatedAt), now: PostgresTime.date(try row.value("now", as: Int64.self)), policy: policy)
            else { return nil }
            return CachedConversation(conversationId: try row.value("conversation_id"), participantId: participantId)
        }
    }

    public func cleanCache(account: String) async throws -> CacheCleaning {
        let policy = options.cache
        guard policy.enabled else { return .disabled }
        let now = nowParameter
        let logger = logger
        return try await perform("cleaning the cache of account \(account)") { connection in
            guard
                let row = try await connection.query(
                    """
                    WITH clock AS (SELECT coalesce(\(now)::bigint, \(unescaped: PostgresTime.serverMillis)) AS now)
                    SELECT clock.now, c.cleaned_at FROM clock LEFT JOIN cache_cleanings c ON c.account = \(account)
                    """, logger: logger
                ).rows().first
            else { throw PostgresErrorMapping.CompareAndSetLost() }
            let now = PostgresTime.date(try row.value("now", as: Int64.self))
            let last = try row.value("cleaned_at", as: Int64?.self)
            let lastCleanedAt = PostgresTime.date(last)
            guard CacheRules.isCleaningDue(lastCleanedAt: lastCleanedAt, now: now, policy: policy) else {
                return .notDue(nextAt: CacheRules.nextCleaning(lastCleanedAt: lastCleanedAt, policy: policy) ?? now)
            }
            // Compare-and-set on the last cleaning time read: one cleaner per period.
            let claimed: PostgresRowSequence
            if let last {
                claimed = try await connection.query(
                    """
                    UPDATE cache_cleanings SET cleaned_at = \(PostgresTime.millis(now))
                    WHERE account = \(account) AND cleaned_at = \(last) RETURNING 1
                    """, logger: logger)
            } else {
                claimed = try await connection.query(
                    """
                    INSERT INTO cache_cleanings (account, cleaned_at) VALUES (\(account), \(PostgresTime.millis(now)))
                    ON CONFLICT (account) DO NOTHING RETURNING 1
                    """, logger: logger)
            }
            guard try await !claimed.rows().isEmpty else { return .notDue(nextAt: now.addingTimeInterval(Double(policy.checkEveryInSecs))) }
            // Two statements, no transaction: a crash between them leaves expired records, which
            // every read already treats as misses, to the next cleaning.
            let cutoff = PostgresTime.millis(CacheRules.expiryCutoff(now: now, policy: policy))
            let removed =
                try await connection.query(
                    """
                    WITH users AS (DELETE FROM cache_users WHERE account = \(account) AND updated_at < \(cutoff) RETURNING 1),
                         conversations AS (DELETE FROM cache_conversations WHERE account = \(account) AND updated_at < \(cutoff) RETURNING 1)
                    SELECT (SELECT count(*) FROM users) + (SELECT count(*) FROM conversations)
                    """, logger: logger
                ).collect(Int64.self).first ?? 0
            return .cleaned(removed: Int(removed))
        }
    }
}
