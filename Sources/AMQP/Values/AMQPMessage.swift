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

    /// The header this module adds to every mandatory message: the publish's delivery tag, so a
    /// `basic.return` (which carries no tag) is matched to its publish. It means nothing to a
    /// consumer; whoever republishes a delivery should drop it (the module writes its own).
    public static let publishTagHeader = "x-publish-tag"

    /// A message; see the properties for the meaning of each part.
    public init(exchange: String = "", routingKey: String, body: Data, properties: AMQPProperties = AMQPProperties(), mandatory: Bool = false) {
        self.exchange = exchange
        self.routingKey = routingKey
        self.body = body
        self.properties = properties
        self.mandatory = mandatory
    }
}
