import AMQP
import Foundation

/// A delivery from the send queue as the dispatcher sees it: what arrived, apart from how it is
/// acknowledged (the engine keeps the `AMQPDelivery` for that), so unit tests can build one.
public struct SendDelivery: Sendable {
    /// The body, as published.
    public var body: Data
    /// The properties, headers included.
    public var properties: AMQPProperties
    /// The exchange and routing key it was published with (after a retry: the ones it was
    /// dead-lettered back with).
    public var exchange: String
    public var routingKey: String
    /// The broker delivered it before without an acknowledgement.
    public var redelivered: Bool

    /// A delivery from its parts (tests build them this way).
    public init(body: Data, properties: AMQPProperties = AMQPProperties(), exchange: String = "", routingKey: String, redelivered: Bool = false) {
        self.body = body
        self.properties = properties
        self.exchange = exchange
        self.routingKey = routingKey
        self.redelivered = redelivered
    }

    /// What `delivery` carries.
    public init(_ delivery: AMQPDelivery) {
        self.init(
            body: delivery.body, properties: delivery.properties, exchange: delivery.exchange,
            routingKey: delivery.routingKey, redelivered: delivery.redelivered)
    }
}
