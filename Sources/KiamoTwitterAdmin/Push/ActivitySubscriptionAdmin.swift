import KiamoTwitter
import XAPI

/// `kiamo-twitter subscriptions ...`: the X Activity API subscriptions that send the accounts'
/// DM events to the activity stream (`GET /2/activity/stream`) or to a webhook.
public struct ActivitySubscriptionAdmin: Sendable {
    let session: AdminSession

    /// The operations, through `session`.
    public init(session: AdminSession) {
        self.session = session
    }

    /// The app's subscriptions (app-only bearer token).
    public func list() async throws -> ActivitySubscriptionListReport {
        ActivitySubscriptionListReport(subscriptions: try await session.pushClient().activitySubscriptions())
    }

    /// Subscribes `eventType` of each account (filter.user_id the account, user context), to the
    /// stream or to `webhookId`. Idempotent: what X lists already is kept, only what is missing
    /// is created, and a 409 (created meanwhile, by another run) counts as existing.
    public func create(eventType: String, webhookId: String?, account requested: String?) async throws -> ActivitySubscriptionCreateReport {
        var outcomes: [ActivitySubscriptionCreateReport.Outcome] = []
        for account in try await session.pushAccounts(requested) {
            let client = try await session.userClient(for: account)
            let wanted = { (subscription: XActivitySubscription) in
                Self.matches(subscription, eventType: eventType, userId: account.userId, webhookId: webhookId)
            }
            if let existing = try await client.activitySubscriptions().first(where: wanted) {
                outcomes.append(.init(account: account.userId, created: false, subscription: existing))
                continue
            }
            do {
                let created = try await client.createActivitySubscription(eventType: eventType, userId: account.userId, webhookId: webhookId)
                outcomes.append(.init(account: account.userId, created: true, subscription: created))
            } catch let error as XAPIError where error.httpStatus == 409 {
                // X names the subscription that exists; read it back rather than parse the problem.
                guard let existing = try await client.activitySubscriptions().first(where: wanted) else { throw error }
                outcomes.append(.init(account: account.userId, created: false, subscription: existing))
            }
        }
        return ActivitySubscriptionCreateReport(eventType: eventType, webhookId: webhookId, outcomes: outcomes)
    }

    /// Removes one subscription (app-only bearer token).
    public func delete(id: String) async throws -> ActivitySubscriptionDeleteReport {
        try await session.pushClient().deleteActivitySubscription(id: id)
        return ActivitySubscriptionDeleteReport(deleted: id)
    }

    /// The subscription `create` would make: same event, the account alone (no direction or
    /// keyword narrowing it), same destination.
    static func matches(_ subscription: XActivitySubscription, eventType: String, userId: String, webhookId: String?) -> Bool {
        subscription.eventType == eventType && subscription.filter.userId == userId && subscription.filter.direction == nil
            && subscription.filter.keyword == nil && subscription.webhookId == webhookId
    }
}
