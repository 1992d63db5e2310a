import XAPI

/// `webhooks list`: the app's webhooks as X has them.
public struct WebhookListReport: AdminReport {
    public var webhooks: [XWebhook]
    /// `ingest.webhook.url`, when configured.
    public var configuredURL: String?

    /// The report as text, one line each (see `AdminReport`).
    public var lines: [String] {
        guard !webhooks.isEmpty else {
            return ["no webhook registered at X (`kiamo-twitter webhooks register`)"]
        }
        return webhooks.map { webhook in
            WebhookReport.describe(webhook) + (webhook.url == configuredURL ? " (ingest.webhook.url)" : "")
        }
    }
}
