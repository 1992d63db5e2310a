import Foundation
import KiamoTwitter
import XAPI

/// `kiamo-twitter webhooks ...`: the app's webhooks at X (app-only bearer token), and the
/// accounts' Account Activity subscriptions to one (each account's own user context).
public struct WebhookAdmin: Sendable {
    let session: AdminSession

    /// The operations, through `session`.
    public init(session: AdminSession) {
        self.session = session
    }

    private var configuredURL: String? { session.configuration.ingest.webhook.url }

    /// The app's webhooks, the configured one marked.
    public func list() async throws -> WebhookListReport {
        WebhookListReport(webhooks: try await session.pushClient().webhooks(), configuredURL: configuredURL)
    }

    /// Registers `url` (the configured `ingest.webhook.url` when nil); a URL X already has is
    /// reported as it is rather than refused, so the command can be run again safely.
    public func register(url given: String?) async throws -> WebhookReport {
        guard let url = given ?? configuredURL else {
            throw AdminError.usage(
                "no URL to register: give --url https://... or set ingest.webhook.url (KIAMO_TWITTER_WEBHOOK_URL), the public URL X calls")
        }
        let push = try await session.pushClient()
        if let existing = try await push.webhooks().first(where: { $0.url == url }) {
            return WebhookReport(action: .alreadyRegistered, webhook: existing)
        }
        do {
            return WebhookReport(action: .registered, webhook: try await push.registerWebhook(url: url))
        } catch let error as XAPIError where error.httpStatus == 400 {
            throw AdminError.failed(
                "X did not register \(url): \(error). X calls it with GET ?crc_token=... first and expects the answer keyed by "
                    + "the app's consumer secret: is the ingest worker (ingest.mode webhook) reachable at that URL, "
                    + "and api.consumerSecret the app's? An https URL without a port is required.")
        }
    }

    /// Has X check the webhook now (a CRC); a webhook X finds invalid is a failure.
    public func validate(id: String?) async throws -> WebhookReport {
        let push = try await session.pushClient()
        var webhook = try Self.choose(try await push.webhooks(), id: id, configuredURL: configuredURL)
        webhook.valid = try await push.validateWebhook(id: webhook.id)
        guard webhook.valid else {
            throw AdminError.failed(
                "X's check (CRC) of webhook \(webhook.id) at \(webhook.url) failed: X delivers nothing to it until a check passes. "
                    + "Is the ingest worker (ingest.mode webhook) reachable there, and api.consumerSecret the app's?")
        }
        return WebhookReport(action: .validated, webhook: webhook)
    }

    /// Removes the webhook (X drops its subscriptions with it).
    public func delete(id: String) async throws -> WebhookReport {
        let push = try await session.pushClient()
        let known = try? await push.webhooks().first { $0.id == id }
        try await push.deleteWebhook(id: id)
        return WebhookReport(action: .deleted, webhook: known ?? XWebhook(id: id, url: "", valid: false))
    }

    /// Asks X to deliver the window's events again to the webhook.
    public func replay(window: ReplayWindow, id: String?) async throws -> WebhookReplayReport {
        let push = try await session.pushClient()
        let webhook = try Self.choose(try await push.webhooks(), id: id, configuredURL: configuredURL)
        let job = try await push.replay(webhookId: webhook.id, from: window.from, to: window.to)
        return WebhookReplayReport(webhook: webhook, from: window.from, to: window.to, job: job)
    }

    /// Subscribes each account to the webhook through the Account Activity API, with its own
    /// client (X needs the user's consent); idempotent at X.
    public func subscribe(id: String?, account requested: String?) async throws -> WebhookSubscribeReport {
        let accounts = try await session.pushAccounts(requested)
        let push = try await session.pushClient()
        let webhook = try Self.choose(try await push.webhooks(), id: id, configuredURL: configuredURL)
        var subscribed: [String] = []
        for account in accounts {
            let client = try await session.userClient(for: account)
            guard try await client.subscribeAccountActivity(webhookId: webhook.id) else {
                throw AdminError.failed("X did not subscribe account \(account.userId) to webhook \(webhook.id)")
            }
            subscribed.append(account.userId)
        }
        return WebhookSubscribeReport(webhook: webhook, accounts: subscribed)
    }

    /// The webhook a command acts on: `id` when given (a webhook X does not list is still tried,
    /// and X says whether it knows it); else the one at the configured URL; else the only one.
    public static func choose(_ webhooks: [XWebhook], id: String?, configuredURL: String?) throws -> XWebhook {
        if let id {
            return webhooks.first { $0.id == id } ?? XWebhook(id: id, url: "(not listed by X)", valid: false)
        }
        if let configuredURL, let configured = webhooks.first(where: { $0.url == configuredURL }) { return configured }
        switch webhooks.count {
        case 0:
            let hint = configuredURL.map { " (ingest.webhook.url is \($0): `kiamo-twitter webhooks register`)" } ?? " (`kiamo-twitter webhooks register --url https://...`)"
            throw AdminError.failed("the app has no webhook at X\(hint)")
        case 1:
            return webhooks[0]
        default:
            let ids = webhooks.map { "\($0.id) \($0.url)" }.joined(separator: ", ")
            throw AdminError.usage("the app has several webhooks (\(ids)) and none at ingest.webhook.url: choose one with --id")
        }
    }
}
