import Foundation

/// An X Activity API subscription (`/2/activity/subscriptions`): which events of which user go
/// to the activity stream (no `webhookId`) or to a webhook.
public struct XActivitySubscription: Sendable, Hashable, Codable {
    public struct Filter: Sendable, Hashable, Codable {
        public var userId: String?
        public var direction: String?
        public var keyword: String?

        public init(userId: String? = nil, direction: String? = nil, keyword: String? = nil) {
            self.userId = userId
            self.direction = direction
            self.keyword = keyword
        }

        enum CodingKeys: String, CodingKey {
            case direction, keyword
            case userId = "user_id"
        }
    }

    public var id: String
    /// `dm.received`, `dm.sent`, ...
    public var eventType: String
    public var filter: Filter
    public var webhookId: String?
    public var tag: String?
    public var createdAt: String?

    public init(id: String, eventType: String, filter: Filter, webhookId: String? = nil, tag: String? = nil, createdAt: String? = nil) {
        self.id = id
        self.eventType = eventType
        self.filter = filter
        self.webhookId = webhookId
        self.tag = tag
        self.createdAt = createdAt
    }

    enum CodingKeys: String, CodingKey {
        case filter, tag
        case id = "subscription_id"
        case eventType = "event_type"
        case webhookId = "webhook_id"
        case createdAt = "created_at"
    }
}
