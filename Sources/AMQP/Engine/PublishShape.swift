internal import CRabbitMQ
import Foundation

/// The properties, exchange and routing key of the last publish without `mandatory`, checked
/// against the frame size and encoded for librabbitmq once, in a pool of their own.
///
/// Publishers send runs of messages of one shape (a batch of one value repeated, a worker's
/// reports): checking and encoding them again for every message was a quarter of a publish's
/// instructions (callgrind: the wire-size check, the properties and their strings copied into
/// the pool). A message matches the shape when its properties share their storage with the
/// shape's (`AMQPProperties` is copy-on-write, and the shape holds a copy, so shared storage
/// cannot change) and its exchange, routing key and the connection's frame size are equal.
/// Used from the connection thread only.
final class PublishShape {
    /// What `amqp_basic_publish` takes, pointing into this shape's pool (read in place: the C
    /// struct of the properties is some 200 bytes, copied twice a message when returned).
    let properties: UnsafeMutablePointer<amqp_basic_properties_t>
    private(set) var exchangeBytes = amqp_bytes_t(len: 0, bytes: nil)
    private(set) var routingKeyBytes = amqp_bytes_t(len: 0, bytes: nil)

    private let encoder = CEncoder()
    private var shape: AMQPProperties?
    private var exchange = ""
    private var routingKey = ""
    private var frameMax = 0

    init() {
        properties = .allocate(capacity: 1)
        properties.initialize(to: amqp_basic_properties_t())
    }

    deinit {
        properties.deallocate()
    }

    /// True when a message with these has this shape: its encoding is ready.
    func matches(properties: AMQPProperties, exchange: String, routingKey: String, frameMax: Int) -> Bool {
        guard let shape, shape.sharesStorage(with: properties), frameMax == self.frameMax else { return false }
        return exchange == self.exchange && routingKey == self.routingKey
    }

    /// Makes the message's shape this one's: checks it fits a frame (the reason it cannot be
    /// encoded, thrown as `unencodable`) and encodes it.
    func adopt(properties: AMQPProperties, exchange: String, routingKey: String, frameMax: Int) throws {
        forget()
        if let problem = AMQPWireSize.problem(exchange: exchange, routingKey: routingKey, properties: properties, frameMax: frameMax) {
            throw AMQPError.unencodable(exchange: String(exchange.prefix(255)), routingKey: String(routingKey.prefix(255)), reason: problem)
        }
        self.properties.pointee = try encoder.properties(properties)
        exchangeBytes = try encoder.bytes(exchange)
        routingKeyBytes = try encoder.bytes(routingKey)
        self.shape = properties
        self.exchange = exchange
        self.routingKey = routingKey
        self.frameMax = frameMax
    }

    /// Drops the shape and frees its encoding.
    func forget() {
        shape = nil
        encoder.reset()
    }
}
