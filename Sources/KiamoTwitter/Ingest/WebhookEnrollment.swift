import Foundation
import Logging
import XAPI

/// Makes X deliver the accounts' DMs to the webhook at `url` (`ingest.webhook.url`), once the
/// endpoint listens (X checks it with a CRC before it registers it): registers the URL unless X
/// has it, has X check it again when X marked it invalid, and subscribes each account to its
/// Account Activity. Every step is idempotent, so each ingest process behind the load balancer
/// may run it at start; a step that fails is tried again every `retryEvery` until it succeeds.
public struct WebhookEnrollment: Sendable {
    let push: XPushClient
    let url: String
    /// Each account's user-context client (subscribing needs the user's consent).
    let accounts: [(id: String, client: XAPIClient)]
    let retryEvery: Duration
    let logger: Logger

    public init(push: XPushClient, url: String, accounts: [(id: String, client: XAPIClient)], retryEvery: Duration = .seconds(30), logger: Logger) {
        self.push = push
        self.url = url
        self.accounts = accounts
        self.retryEvery = retryEvery
        self.logger = logger
    }

    /// One pass: the webhook as X has it after the pass.
    public func enroll() async throws -> XWebhook {
        var webhook = try await push.webhooks().first { $0.url == url }
        if webhook == nil {
            do {
                webhook = try await push.registerWebhook(url: url)
                logger.info("webhook registered with X", metadata: ["webhook": "\(webhook?.id ?? "")"])
            } catch {
                // Another process registered it meanwhile (X refuses a duplicate URL).
                guard let registered = try await push.webhooks().first(where: { $0.url == url }) else { throw error }
                webhook = registered
            }
        }
        guard var webhook else { throw WebhookEnrollmentError(reason: "X did not register \(url)") }
        if !webhook.valid {
            webhook.valid = try await push.validateWebhook(id: webhook.id)
            guard webhook.valid else {
                throw WebhookEnrollmentError(
                    reason: "X's check (CRC) of \(url) failed: is the proxy forwarding to ingest.webhook.path, and is api.consumerSecret the app's?")
            }
            logger.info("webhook valid again after X's check", metadata: ["webhook": "\(webhook.id)"])
        }
        for account in accounts {
            _ = try await account.client.subscribeAccountActivity(webhookId: webhook.id)
        }
        return webhook
    }

    /// Enrolls, trying again until it succeeds or the task is cancelled.
    public func run() async {
        var attempt = 0
        while !Task.isCancelled {
            attempt += 1
            do {
                let webhook = try await enroll()
                logger.info("X delivers to the webhook", metadata: ["webhook": "\(webhook.id)", "accounts": "\(accounts.count)"])
                return
            } catch {
                logger.error("enrolling the webhook with X failed; trying again in \(DurationText.format(retryEvery))", metadata: ["error": "\(error)", "attempt": "\(attempt)"])
                try? await Task.sleep(for: retryEvery)
            }
        }
    }
}

/// Why X does not deliver to the webhook yet, in words an operator can act on.
public struct WebhookEnrollmentError: Error, CustomStringConvertible {
    public let reason: String
    public var description: String { reason }
}
