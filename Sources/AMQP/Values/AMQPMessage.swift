import Foundation

/// A message to publish as part of a batch (`AMQPChannel.publish(_:)`).
public struct AMQPMessage: Sendable {
    /// Target exchange (empty for the default exchange).
    public var exchange: String
    /// Routing key (the queue name for the default exchange).
    public var routingKey: String
    /// The body, sent as is.
    public var body: Data
    /// Properties and headers.
    public var properties: AMQPProperties
    /// Return it as `unroutable` when no queue matches.
    public var mandatory: Bool

    /// A message; see the properties for the meaning of each part.
    public init(exchange: String = "", routingKey: String, body: Data, properties: AMQPProperties = AMQPProperties(), mandatory: Bool = false) {
        self.exchange = exchange
        self.routingKey = routingKey
        self.body = body
        self.properties = properties
        self.mandatory = mandatory
    }
}
