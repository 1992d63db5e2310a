import AMQP
import Foundation
import KiamoTwitter

/// A send command the dispatch worker gave up on, as it sits in `<exchange>.send.dead`: who it was
/// for, why it failed (headers `x-kiamo-error-code`, `x-kiamo-error-message`, `x-kiamo-attempts`)
/// and the command itself.
public struct DeadLetter: Sendable, Encodable, Hashable {
    /// Header of the failure's stable code (`x_rejected`, `retries_exhausted`, ...).
    public static let errorCodeHeader = "x-kiamo-error-code"
    /// Header of the failure's sentence.
    public static let errorMessageHeader = "x-kiamo-error-message"
    /// Header of the attempts made before giving up.
    public static let attemptsHeader = "x-kiamo-attempts"

    /// The command id: the body's `id`, else the AMQP `message_id`.
    var id: String?
    var messageId: String?
    /// The routing key it was dead-lettered with (the original `send.<account>`).
    var routingKey: String
    var account: String?
    var errorCode: String?
    var errorMessage: String?
    var attempts: Int?
    var timestamp: Date?
    /// The command as published (UTF-8 text; a body that is not is shown as its size).
    var body: String

    /// Reads a dead letter from a delivery.
    public init(_ delivery: AMQPDelivery) {
        let headers = delivery.properties.headers
        messageId = delivery.properties.messageId
        routingKey = delivery.routingKey
        errorCode = headers[Self.errorCodeHeader]?.stringValue
        errorMessage = headers[Self.errorMessageHeader]?.stringValue
        attempts = headers[Self.attemptsHeader]?.intValue.map(Int.init) ?? headers[Self.attemptsHeader]?.stringValue.flatMap { Int($0) }
        timestamp = delivery.properties.timestamp
        body = String(validating: delivery.body, as: UTF8.self) ?? "<\(delivery.body.count) bytes, not UTF-8>"
        let object = (try? JSONSerialization.jsonObject(with: delivery.body)) as? [String: Any]
        id = (object?["id"] as? String) ?? messageId
        let routed = routingKey.hasPrefix("send.") ? String(routingKey.dropFirst(5)) : nil
        account = (object?["accountId"] as? String) ?? headers["x-account-id"]?.stringValue ?? routed
    }

    /// Whether `--id` names this dead letter (its command id or its message id).
    public func matches(_ requested: String) -> Bool {
        id == requested || messageId == requested
    }

    /// The message that puts this command back on the send routing: the main exchange with
    /// routing key `send.<account>`, its properties kept, and the failure headers dropped (the
    /// dispatch worker counts attempts afresh). Nil when no account can be told.
    public func replay(of delivery: AMQPDelivery, exchange: String) -> AMQPMessage? {
        let routing = routingKey.hasPrefix("send.") ? routingKey : account.map { Topology.sendRoutingKey(account: $0) }
        guard let routing else { return nil }
        var properties = delivery.properties
        properties.headers = AMQPTable(properties.headers.entries.filter { !Self.isFailureHeader($0.key) }.map { ($0.key, $0.value) })
        properties.deliveryMode = .persistent
        return AMQPMessage(exchange: exchange, routingKey: routing, body: delivery.body, properties: properties, mandatory: true)
    }

    /// Headers a replay drops: the failure's, the broker's dead-lettering records, the publish tag.
    static func isFailureHeader(_ name: String) -> Bool {
        name.hasPrefix("x-kiamo-error") || name.hasPrefix("x-kiamo-attempt") || name == "x-kiamo-publish-tag"
            || name == "x-death" || name.hasPrefix("x-first-death") || name.hasPrefix("x-last-death")
    }
}
