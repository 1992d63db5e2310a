import XAPI

/// `subscriptions list`: the app's X Activity API subscriptions.
public struct ActivitySubscriptionListReport: AdminReport {
    public var subscriptions: [XActivitySubscription]

    /// The report as text, one line each (see `AdminReport`).
    public var lines: [String] {
        guard !subscriptions.isEmpty else { return ["no X Activity API subscription (`kiamo-twitter subscriptions create`)"] }
        return subscriptions.map(Self.describe)
    }

    /// `subscription ID: dm.received of user U → the activity stream`.
    static func describe(_ subscription: XActivitySubscription) -> String {
        let filter = [
            subscription.filter.userId.map { "user \($0)" }, subscription.filter.direction, subscription.filter.keyword.map { "keyword '\($0)'" },
        ].compactMap { $0 }.joined(separator: ", ")
        let destination = subscription.webhookId.map { "webhook \($0)" } ?? "the activity stream"
        return "subscription \(subscription.id): \(subscription.eventType) of \(filter.isEmpty ? "any user" : filter) → \(destination)"
            + (subscription.tag.map { " (tag \($0))" } ?? "")
    }
}
