import XAPI

/// `webhooks subscribe`: the accounts X now delivers to the webhook (Account Activity API).
public struct WebhookSubscribeReport: AdminReport {
    public var webhook: XWebhook
    public var accounts: [String]

    /// The report as text, one line each (see `AdminReport`).
    public var lines: [String] {
        accounts.map { "account \($0): subscribed to webhook \(webhook.id) \(webhook.url)" }
    }
}
