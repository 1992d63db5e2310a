import Foundation

/// Everything the debug export shows of one account, secrets already masked.
public struct AccountSnapshot: Sendable, Hashable {
    public var account: String
    public var token: TokenSummary?
    /// The inbound cursor (newest published DM event id).
    public var cursor: String?
    public var cursorUpdatedAt: Date?
    public var users: [CacheEntry<CachedUser>]
    public var conversations: [CacheEntry<CachedConversation>]

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
