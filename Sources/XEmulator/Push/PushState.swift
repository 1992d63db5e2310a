/// The push side of the emulator's state: webhooks, Account Activity and X Activity
/// subscriptions, and the DM events created since the store last handed them to `PushHub`.
/// A part of `EmulatorState`, under the store's one lock.
struct PushState: Sendable {
    var webhooks: [Webhook] = []
    /// Webhook id → the users subscribed on it (Account Activity), in subscription order.
    var accountActivity: [UInt64: [UInt64]] = [:]
    var activity: [ActivitySubscription] = []
    /// Events created since the last drain; kept only while some subscription exists, so the
    /// DM paths cost nothing more when nobody listens.
    var pending: [DMEvent] = []

    /// Whether any subscription could want a new event.
    var isListening: Bool {
        !activity.isEmpty || accountActivity.values.contains { !$0.isEmpty }
    }

    func webhook(_ id: UInt64) -> Webhook? {
        webhooks.first { $0.id == id }
    }

    /// Removes a webhook and every subscription delivering to it.
    mutating func removeWebhook(_ id: UInt64) -> Bool {
        guard let index = webhooks.firstIndex(where: { $0.id == id }) else { return false }
        webhooks.remove(at: index)
        accountActivity[id] = nil
        activity.removeAll { $0.webhookID == id }
        return true
    }
}
