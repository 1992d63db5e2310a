import Foundation

/// Everything the debug export shows of one account, secrets already masked.
public struct AccountSnapshot: Sendable, Hashable {
    /// The X account id.
    public var account: String
    /// The token pair, masked; nil when none is stored.
    public var token: TokenSummary?
    /// The inbound cursor (newest published DM event id).
    public var cursor: String?
    /// When the cursor last moved.
    public var cursorUpdatedAt: Date?
    /// Cached users, expired ones included (until cleaned), sorted by id.
    public var users: [CacheEntry<CachedUser>]
    /// Cached conversations, sorted by id.
    public var conversations: [CacheEntry<CachedConversation>]

    /// A snapshot of one account.
    public init(
        account: String, token: TokenSummary?, cursor: String?, cursorUpdatedAt: Date?,
        users: [CacheEntry<CachedUser>], conversations: [CacheEntry<CachedConversation>]
    ) {
        self.account = account
        self.token = token
        self.cursor = cursor
        self.cursorUpdatedAt = cursorUpdatedAt
        self.users = users
        self.conversations = conversations
    }
}
