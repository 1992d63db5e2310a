import Foundation

/// A webhook the app registered with X (`/2/webhooks`, the schema's `WebhookConfig`).
public struct XWebhook: Sendable, Hashable, Codable {
    public var id: String
    public var url: String
    /// False after a failed CRC: X delivers nothing to it until a validation passes again.
    public var valid: Bool
    public var createdAt: String?

    public init(id: String, url: String, valid: Bool, createdAt: String? = nil) {
        self.id = id
        self.url = url
        self.valid = valid
        self.createdAt = createdAt
    }

    enum CodingKeys: String, CodingKey {
        case id, url, valid
        case createdAt = "created_at"
    }
}
