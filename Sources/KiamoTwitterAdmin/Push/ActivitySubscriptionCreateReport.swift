import XAPI

/// `subscriptions create`: for each account, the subscription it now has and whether this run
/// created it.
public struct ActivitySubscriptionCreateReport: AdminReport {
    public struct Outcome: Sendable, Encodable {
        public var account: String
        public var created: Bool
        public var subscription: XActivitySubscription
    }

    public var eventType: String
    public var webhookId: String?
    public var outcomes: [Outcome]

    /// The report as text, one line each (see `AdminReport`).
    public var lines: [String] {
        outcomes.map { outcome in
            "account \(outcome.account): \(outcome.created ? "created" : "exists") "
                + ActivitySubscriptionListReport.describe(outcome.subscription)
        }
    }
}
