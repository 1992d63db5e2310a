import KiamoTwitter
import XAPI

/// Numbered test 10: the webhook at the configured URL, registered when X does not have it, then
/// checked by X now (a CRC). Passes when X says it is valid: X can reach the URL and the answer
/// proves the endpoint holds the app's consumer secret.
public struct WebhookCheck: Sendable {
    let session: AdminSession

    /// The check, through `session`.
    public init(session: AdminSession) {
        self.session = session
    }

    /// Hands each thing done to `step` as it goes, so a failure still shows what came before;
    /// throws when X cannot reach the webhook or finds it invalid.
    public func run(step: (String) -> Void) async throws {
        let admin = WebhookAdmin(session: session)
        let webhook: XWebhook
        if let url = session.configuration.ingest.webhook.url {
            step("ingest.webhook.url: \(url)")
            let registered = try await admin.register(url: url)
            registered.lines.forEach(step)
            webhook = registered.webhook
        } else {
            step(
                "ingest.webhook.url is not configured: X needs a public https URL (no port) reaching the ingest worker's webhook endpoint "
                    + "(ingest.mode webhook, ingest.webhook.path); set it (KIAMO_TWITTER_WEBHOOK_URL)")
            let webhooks = try await session.pushClient().webhooks()
            guard webhooks.count == 1 else {
                throw AdminError.configuration(
                    webhooks.isEmpty
                        ? "no webhook to check: set ingest.webhook.url (KIAMO_TWITTER_WEBHOOK_URL) to the public URL X calls"
                        : "the app has \(webhooks.count) webhooks and no ingest.webhook.url says which to check")
            }
            webhook = webhooks[0]
            step("checking the app's only webhook: " + WebhookReport.describe(webhook))
        }
        step("PUT /2/webhooks/\(webhook.id): X sends a CRC to \(webhook.url)")
        let report = try await admin.validate(id: webhook.id)
        report.lines.forEach(step)
    }
}
