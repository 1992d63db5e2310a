import Foundation

/// A message being assembled from its method, content-header and body frames on one channel.
struct PendingContent {
    enum Kind {
        case deliver(consumerTag: String, deliveryTag: UInt64, redelivered: Bool, exchange: String, routingKey: String)
        case get(deliveryTag: UInt64, redelivered: Bool, exchange: String, routingKey: String, messageCount: UInt32)
        case returned(replyCode: UInt16, replyText: String, exchange: String, routingKey: String)
    }

    let kind: Kind
    var properties = AMQPProperties()
    /// Nil until the content header arrived.
    var bodySize: Int?
    var body = Data()

    init(_ kind: Kind) { self.kind = kind }

    var isComplete: Bool {
        guard let bodySize else { return false }
        return body.count >= bodySize
    }
}
