import AMQP
import Foundation
import KiamoTwitter

/// A send command the dispatch worker gave up on, as it sits in `<exchange>.send.dead`: who it was
/// for, why it failed (headers `x-kiamo-error-code`, `x-kiamo-error-message`, `x-kiamo-attempts`)
/// and the command itself.
public struct DeadLetter: Sendable, Encodable, Hashable {
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
        errorCode = headers[WireContract.Header.errorCode]?.stringValue
        errorMessage = headers[WireContract.Header.errorMessage]?.stringValue
        let attemptsValue = headers[WireContract.Header.attempts]
        attempts = attemptsValue?.intValue.map(Int.init) ?? attemptsValue?.stringValue.flatMap { Int($0) }
        timestamp = delivery.properties.timestamp
        body = String(validating: delivery.body, as: UTF8.self) ?? "<\(delivery.body.count) bytes, not UTF-8>"
        let object = (try? JSONSerialization.jsonObject(with: delivery.body)) as? [String: Any]
        id = (object?["id"] as? String) ?? messageId
        let routed = WireContract.RoutingKey.sendAccount(routingKey)
        account = (object?["accountId"] as? String) ?? headers[WireContract.Header.accountId]?.stringValue ?? routed
    }

    /// Whether `--id` names this dead letter (its command id or its message id).
    public func matches(_ requested: String) -> Bool {
        id == requested || messageId == requested
    }

    /// The message that puts this command back on the send routing: the main exchange with
    /// routing key `send.<account>`, its properties kept, and the failure headers dropped (the
    /// dispatch worker counts attempts afresh). Nil when no account can be told.
    public func replay(of delivery: AMQPDelivery, exchange: String) -> AMQPMessage? {
        let routing = WireContract.RoutingKey.sendAccount(routingKey) != nil ? routingKey : account.map { WireContract.RoutingKey.send(account: $0) }
        guard let routing else { return nil }
        var properties = delivery.properties
        properties.headers = AMQPTable(properties.headers.entries.filter { !Self.isFailureHeader($0.key) }.map { ($0.key, $0.value) })
        properties.deliveryMode = .persistent
        return AMQPMessage(exchange: exchange, routingKey: routing, body: delivery.body, properties: properties, mandatory: true)
    }

    /// Headers a replay drops: the failure's and the attempt count (dispatch counts afresh), the
    /// broker's dead-lettering records, the publish tag.
    static func isFailureHeader(_ name: String) -> Bool {
        WireContract.Header.isDispatchOwn(name) || name == WireContract.Header.attempt || name == WireContract.Header.attempts
            || name == "x-death" || name.hasPrefix("x-first-death") || name.hasPrefix("x-last-death")
    }
}
