/// `subscriptions delete`: the subscription X removed.
public struct ActivitySubscriptionDeleteReport: AdminReport {
    public var deleted: String

    /// The report as text, one line each (see `AdminReport`).
    public var lines: [String] { ["deleted subscription \(deleted)"] }
}
