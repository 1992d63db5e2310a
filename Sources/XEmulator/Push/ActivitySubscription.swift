/// An X Activity API subscription (`POST /2/activity/subscriptions`): one event type for one
/// user, delivered to a webhook when it names one, else on `GET /2/activity/stream`.
struct ActivitySubscription: Sendable {
    /// The event types the emulator serves: DMs only (the others of the schema's enum are refused).
    static let eventTypes: Set<String> = ["dm.received", "dm.sent"]

    let id: UInt64
    let eventType: String
    let userID: UInt64
    /// `filter.direction` as given; kept and echoed, not used to match (a DM event type already
    /// says its direction).
    let direction: String?
    var tag: String?
    var webhookID: UInt64?
    let createdAtMilliseconds: Int64
    var updatedAtMilliseconds: Int64

    /// Whether `event` concerns this subscription: `dm.received` for a message the user did not
    /// write in a conversation it belongs to (`audience`), `dm.sent` for one it wrote.
    func matches(_ event: DMEvent, audience: Set<UInt64>) -> Bool {
        guard event.kind == .messageCreate else { return false }
        switch eventType {
        case "dm.received": return event.senderID != userID && audience.contains(userID)
        case "dm.sent": return event.senderID == userID
        default: return false
        }
    }

    /// Whether `other` would be the same subscription (X refuses a duplicate).
    func duplicates(eventType: String, userID: UInt64, direction: String?, webhookID: UInt64?) -> Bool {
        self.eventType == eventType && self.userID == userID && self.direction == direction && self.webhookID == webhookID
    }

    /// `filter` as X echoes it.
    var filterJSON: JSONValue {
        var members: [(String, JSONValue)] = [("user_id", .string(String(userID)))]
        if let direction { members.append(("direction", .string(direction))) }
        return .object(members)
    }

    /// The schema's subscription object (`GetActivitySubscriptionsResponseData`).
    var json: JSONValue {
        var members: [(String, JSONValue)] = [
            ("subscription_id", .string(String(id))), ("event_type", .string(eventType)), ("filter", filterJSON),
            ("created_at", .string(XTimestamp.iso8601(milliseconds: createdAtMilliseconds))),
            ("updated_at", .string(XTimestamp.iso8601(milliseconds: updatedAtMilliseconds))),
        ]
        if let tag { members.append(("tag", .string(tag))) }
        if let webhookID { members.append(("webhook_id", .string(String(webhookID)))) }
        return .object(members)
    }
}
