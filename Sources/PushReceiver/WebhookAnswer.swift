import Foundation

/// What the webhook endpoint answers X: a status and a JSON body.
public struct WebhookAnswer: Sendable, Equatable {
    public var status: Int
    public var body: Data

    public init(status: Int, body: Data) {
        self.status = status
        self.body = body
    }

    /// `status` with `{"error": reason}`: every refusal says why (never echoing what was sent).
    public static func refusal(_ status: Int, _ reason: String) -> WebhookAnswer {
        WebhookAnswer(status: status, body: (try? JSONEncoder().encode(["error": reason])) ?? Data())
    }

    /// 200 with `object` as JSON.
    public static func ok(_ object: [String: String]) -> WebhookAnswer {
        WebhookAnswer(status: 200, body: (try? JSONEncoder().encode(object)) ?? Data("{}".utf8))
    }
}
