import Foundation

/// The original connector's cache of users and conversations, with its vocabulary
/// (`addToCache`, `getFromCache`, `cleanCache`) and its settings (`CachePolicy`: `enabled`,
/// `checkEveryInSecs`, `expirationInSecs`).
///
/// Shared by every process of an account so a name looked up once (or learnt from a page's
/// `includes.users`) saves every worker the call. Newer wins on every add, so two processes
/// caching the same record in any order keep the most recent one.
public protocol ConversationCache: Sendable {
    /// Caches `user` as of `at`; a record already cached with a newer or equal time is kept.
    /// Returns whether the record was stored (false too when the cache is disabled).
    @discardableResult
    func addToCache(account: String, user: CachedUser, at: Date) async throws -> Bool

    /// Caches `conversation` as of `at`, with the same newer-wins rule.
    @discardableResult
    func addToCache(account: String, conversation: CachedConversation, at: Date) async throws -> Bool

    /// The cached user, or nil when absent, expired (older than `expirationInSecs`) or disabled.
    func getFromCache(account: String, userId: String) async throws -> CachedUser?

    /// The cached conversation by its id, with the same miss rules.
    func getFromCache(account: String, conversationId: String) async throws -> CachedConversation?

    /// The newest cached conversation with `participantId`, with the same miss rules.
    func getFromCache(account: String, participantId: String) async throws -> CachedConversation?

    /// Deletes expired records, at most once per `checkEveryInSecs` across every process.
    func cleanCache(account: String) async throws -> CacheCleaning
}
