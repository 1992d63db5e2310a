import XAPI

/// What `webhooks register`, `validate` and `delete` did to one webhook.
public struct WebhookReport: AdminReport {
    public enum Action: String, Sendable, Encodable {
        case registered, alreadyRegistered, validated, deleted
    }

    public var action: Action
    public var webhook: XWebhook

    /// The report as text, one line each (see `AdminReport`).
    public var lines: [String] {
        switch action {
        case .registered: ["registered: " + Self.describe(webhook), "X checked it (CRC) before registering it"]
        case .alreadyRegistered: ["already registered: " + Self.describe(webhook)]
        case .validated: ["X's check (CRC) passed: " + Self.describe(webhook)]
        case .deleted: ["deleted webhook \(webhook.id)" + (webhook.url.isEmpty ? "" : " (\(webhook.url))") + " and its subscriptions"]
        }
    }

    /// `webhook ID URL: valid (created ...)`.
    static func describe(_ webhook: XWebhook) -> String {
        let state = webhook.valid ? "valid" : "INVALID (X delivers nothing until a check passes: `webhooks validate`)"
        return "webhook \(webhook.id) \(webhook.url): \(state)" + (webhook.createdAt.map { ", created \($0)" } ?? "")
    }
}
