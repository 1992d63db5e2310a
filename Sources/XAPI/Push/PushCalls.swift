import CurlHTTP
import Foundation

/// The calls that manage X's pushes, over either executor: the app's bearer token
/// (`XPushClient`) or an account's user context (`XAPIClient`), as the schema's `security` of each
/// operation allows.
struct PushCalls: Sendable {
    let executor: XRequestExecutor

    private static let encoder = JSONEncoder()

    /// `yyyymmddhhmm` in UTC, the replay's date format (`CreateWebhookReplayJobRequest`).
    static func replayDate(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        return String(format: "%04d%02d%02d%02d%02d", parts.year!, parts.month!, parts.day!, parts.hour!, parts.minute!)
    }

    // MARK: Webhooks

    func webhooks() async throws -> [XWebhook] {
        struct Answer: Decodable { var data: [XWebhook]? }
        return try await call(.get, "/2/webhooks", as: Answer.self, operation: .webhooks).data ?? []
    }

    func registerWebhook(url: String) async throws -> XWebhook {
        struct Body: Encodable { var url: String }
        struct Answer: Decodable { var data: XWebhook }
        return try await call(.post, "/2/webhooks", body: Body(url: url), as: Answer.self, operation: .webhooks).data
    }

    func validateWebhook(id: String) async throws -> Bool {
        struct Answer: Decodable {
            struct Data: Decodable { var valid: Bool }
            var data: Data
        }
        return try await call(.put, "/2/webhooks/\(try Self.pathId(id))", as: Answer.self, operation: .webhooks).data.valid
    }

    func deleteWebhook(id: String) async throws {
        _ = try await executor.perform(.webhooks, .init(method: .delete, path: "/2/webhooks/\(try Self.pathId(id))"))
    }

    func replay(webhookId: String, from: Date, to: Date) async throws -> XReplayJob {
        struct Body: Encodable {
            var webhook_id: String
            var from_date: String
            var to_date: String
        }
        struct Answer: Decodable { var data: XReplayJob }
        let body = Body(webhook_id: try Self.pathId(webhookId), from_date: Self.replayDate(from), to_date: Self.replayDate(to))
        return try await call(.post, "/2/webhooks/replay", body: body, as: Answer.self, operation: .webhooks).data
    }

    // MARK: Account Activity API

    /// Subscribes the executor's user (user context) to the webhook; idempotent at X.
    func subscribeAccountActivity(webhookId: String) async throws -> Bool {
        struct Answer: Decodable {
            struct Data: Decodable { var subscribed: Bool }
            var data: Data
        }
        let path = "/2/account_activity/webhooks/\(try Self.pathId(webhookId))/subscriptions/all"
        return try await call(.post, path, body: [String: String](), as: Answer.self, operation: .subscriptions).data.subscribed
    }

    func accountActivitySubscriptions(webhookId: String) async throws -> [String] {
        struct Answer: Decodable {
            struct Data: Decodable {
                struct Subscription: Decodable {
                    var user_id: String
                }
                var subscriptions: [Subscription]?
            }
            var data: Data?
        }
        let path = "/2/account_activity/webhooks/\(try Self.pathId(webhookId))/subscriptions/all/list"
        return try await call(.get, path, as: Answer.self, operation: .subscriptions).data?.subscriptions?.map(\.user_id) ?? []
    }

    func deleteAccountActivitySubscription(webhookId: String, userId: String) async throws {
        let path = "/2/account_activity/webhooks/\(try Self.pathId(webhookId))/subscriptions/\(try Self.pathId(userId))/all"
        _ = try await executor.perform(.subscriptions, .init(method: .delete, path: path))
    }

    // MARK: X Activity API

    func activitySubscriptions() async throws -> [XActivitySubscription] {
        struct Answer: Decodable { var data: [XActivitySubscription]? }
        return try await call(.get, "/2/activity/subscriptions", as: Answer.self, operation: .subscriptions).data ?? []
    }

    func createActivitySubscription(eventType: String, userId: String, webhookId: String?, tag: String?) async throws -> XActivitySubscription {
        struct Body: Encodable {
            var event_type: String
            var filter: XActivitySubscription.Filter
            var tag: String?
            var webhook_id: String?
        }
        struct Answer: Decodable {
            struct Data: Decodable { var subscription: XActivitySubscription }
            var data: Data
        }
        let body = Body(event_type: eventType, filter: .init(userId: userId), tag: tag, webhook_id: webhookId)
        return try await call(.post, "/2/activity/subscriptions", body: body, as: Answer.self, operation: .subscriptions).data.subscription
    }

    func deleteActivitySubscription(id: String) async throws {
        _ = try await executor.perform(.subscriptions, .init(method: .delete, path: "/2/activity/subscriptions/\(try Self.pathId(id))"))
    }

    // MARK: -

    private func call<Answer: Decodable>(_ method: HTTPMethod, _ path: String, as: Answer.Type, operation: XOperation) async throws -> Answer {
        let answer = try await executor.perform(operation, .init(method: method, path: path))
        return try XDecoding.decode(Answer.self, from: answer.body, operation: operation)
    }

    private func call<Body: Encodable, Answer: Decodable>(
        _ method: HTTPMethod, _ path: String, body: Body, as: Answer.Type, operation: XOperation
    ) async throws -> Answer {
        let answer = try await executor.perform(operation, .init(method: method, path: path, jsonBody: try Self.encoder.encode(body)))
        return try XDecoding.decode(Answer.self, from: answer.body, operation: operation)
    }

    /// Ids go into paths: digits only, as X's are, so nothing a caller passes can change the path.
    static func pathId(_ id: String) throws -> String {
        guard !id.isEmpty, id.count <= 40, id.allSatisfy({ $0.isASCII && ($0.isNumber || $0.isLetter || $0 == "-" || $0 == "_") }) else {
            throw XAPIError.invalidArgument(operation: .webhooks, argument: "id", reason: "'\(id.prefix(40))' is not an X id")
        }
        return id
    }
}
