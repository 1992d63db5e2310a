import Foundation

/// The basic-class properties of a message (AMQP 0-9-1 content header), all optional.
///
/// An empty `headers` table is not sent; a message received without headers has an empty table.
public struct AMQPProperties: Sendable, Hashable {
    /// MIME type of the body, e.g. `application/json`.
    public var contentType: String?
    /// Encoding of the body, e.g. `gzip`.
    public var contentEncoding: String?
    /// Application headers (nested tables and arrays allowed).
    public var headers: AMQPTable
    /// Persistent or transient.
    public var deliveryMode: AMQPDeliveryMode?
    /// Priority 0...9 for priority queues.
    public var priority: UInt8?
    /// Links a reply or report to the request it answers.
    public var correlationId: String?
    /// The queue a reply should go to.
    public var replyTo: String?
    /// Per-message TTL in milliseconds, as a decimal string (AMQP's format).
    public var expiration: String?
    /// Application message identifier (the DM event id for Kiamo messages).
    public var messageId: String?
    /// Whole seconds since 1970.
    public var timestamp: Date?
    /// Application message type, e.g. `kiamo.message`.
    public var type: String?
    /// The user the broker validates against the connection's user when set.
    public var userId: String?
    /// The publishing application, e.g. `kiamo-twitter-ingest`.
    public var appId: String?

    /// Properties with every field given; all default to absent.
    public init(
        contentType: String? = nil,
        contentEncoding: String? = nil,
        headers: AMQPTable = AMQPTable(),
        deliveryMode: AMQPDeliveryMode? = nil,
        priority: UInt8? = nil,
        correlationId: String? = nil,
        replyTo: String? = nil,
        expiration: String? = nil,
        messageId: String? = nil,
        timestamp: Date? = nil,
        type: String? = nil,
        userId: String? = nil,
        appId: String? = nil
    ) {
        self.contentType = contentType
        self.contentEncoding = contentEncoding
        self.headers = headers
        self.deliveryMode = deliveryMode
        self.priority = priority
        self.correlationId = correlationId
        self.replyTo = replyTo
        self.expiration = expiration
        self.messageId = messageId
        self.timestamp = timestamp
        self.type = type
        self.userId = userId
        self.appId = appId
    }
}
