import Foundation

/// The basic-class properties of a message (AMQP 0-9-1 content header), all optional.
///
/// An empty `headers` table is not sent; a message received without headers has an empty table.
///
/// A value type whose fields live in one shared box, copied when written while shared (copy on
/// write): a publish copies its message several times on its way to the connection thread (the
/// request, the batch, the confirm), and with thirteen fields, eight of them optional strings,
/// each copy retained and released every string one by one (callgrind: `String?` copied 18 times
/// a message, 8 % of a publish's instructions). Now a copy is one retain.
public struct AMQPProperties: Sendable, Hashable {
    private struct Fields: Sendable, Hashable {
        var contentType: String? = nil
        var contentEncoding: String? = nil
        var headers: AMQPTable = AMQPTable()
        var deliveryMode: AMQPDeliveryMode? = nil
        var priority: UInt8? = nil
        var correlationId: String? = nil
        var replyTo: String? = nil
        var expiration: String? = nil
        var messageId: String? = nil
        var timestamp: Date? = nil
        var type: String? = nil
        var userId: String? = nil
        var appId: String? = nil
    }

    /// Written only through `fields`' `_modify`, which first makes the box this value's own, so a
    /// box shared between values (and threads) is never written: hence `@unchecked Sendable`.
    private final class Box: @unchecked Sendable {
        var fields: Fields
        init(_ fields: Fields) { self.fields = fields }

        /// The summary read field by field in place: a copy of `fields` would retain and
        /// release all of them.
        func wireSummary() -> WireSummary {
            var size = 2 + 2 + 8 + 2
            var tooLong: (name: StaticString, bytes: Int)?
            func add(_ name: StaticString, _ count: Int?) {
                guard let count else { return }
                size += 1 + count
                if count > AMQPWireSize.shortStringMax, tooLong == nil { tooLong = (name, count) }
            }
            add("content_type", fields.contentType?.utf8.count)
            add("content_encoding", fields.contentEncoding?.utf8.count)
            add("correlation_id", fields.correlationId?.utf8.count)
            add("reply_to", fields.replyTo?.utf8.count)
            add("expiration", fields.expiration?.utf8.count)
            add("message_id", fields.messageId?.utf8.count)
            add("type", fields.type?.utf8.count)
            add("user_id", fields.userId?.utf8.count)
            add("app_id", fields.appId?.utf8.count)
            if !fields.headers.isEmpty { size += AMQPWireSize.table(fields.headers) }
            if fields.deliveryMode != nil { size += 1 }
            if fields.priority != nil { size += 1 }
            if fields.timestamp != nil { size += 8 }
            return WireSummary(contentHeaderBytes: size, tooLong: tooLong)
        }
    }

    private var box: Box

    private var fields: Fields {
        get { box.fields }
        _modify {
            if !isKnownUniquelyReferenced(&box) { box = Box(box.fields) }
            yield &box.fields
        }
    }

    /// MIME type of the body, e.g. `application/json`.
    public var contentType: String? {
        get { box.fields.contentType }
        set { fields.contentType = newValue }
        _modify { yield &fields.contentType }
    }
    /// Encoding of the body, e.g. `gzip`.
    public var contentEncoding: String? {
        get { box.fields.contentEncoding }
        set { fields.contentEncoding = newValue }
        _modify { yield &fields.contentEncoding }
    }
    /// Application headers (nested tables and arrays allowed).
    public var headers: AMQPTable {
        get { box.fields.headers }
        set { fields.headers = newValue }
        _modify { yield &fields.headers }
    }
    /// Persistent or transient.
    public var deliveryMode: AMQPDeliveryMode? {
        get { box.fields.deliveryMode }
        set { fields.deliveryMode = newValue }
        _modify { yield &fields.deliveryMode }
    }
    /// Priority 0...9 for priority queues.
    public var priority: UInt8? {
        get { box.fields.priority }
        set { fields.priority = newValue }
        _modify { yield &fields.priority }
    }
    /// Links a reply or report to the request it answers.
    public var correlationId: String? {
        get { box.fields.correlationId }
        set { fields.correlationId = newValue }
        _modify { yield &fields.correlationId }
    }
    /// The queue a reply should go to.
    public var replyTo: String? {
        get { box.fields.replyTo }
        set { fields.replyTo = newValue }
        _modify { yield &fields.replyTo }
    }
    /// Per-message TTL in milliseconds, as a decimal string (AMQP's format).
    public var expiration: String? {
        get { box.fields.expiration }
        set { fields.expiration = newValue }
        _modify { yield &fields.expiration }
    }
    /// Application message identifier (the DM event id for Kiamo messages).
    public var messageId: String? {
        get { box.fields.messageId }
        set { fields.messageId = newValue }
        _modify { yield &fields.messageId }
    }
    /// Whole seconds since 1970.
    public var timestamp: Date? {
        get { box.fields.timestamp }
        set { fields.timestamp = newValue }
        _modify { yield &fields.timestamp }
    }
    /// Application message type, e.g. `kiamo.message`.
    public var type: String? {
        get { box.fields.type }
        set { fields.type = newValue }
        _modify { yield &fields.type }
    }
    /// The user the broker validates against the connection's user when set.
    public var userId: String? {
        get { box.fields.userId }
        set { fields.userId = newValue }
        _modify { yield &fields.userId }
    }
    /// The publishing application, e.g. `kiamo-twitter-ingest`.
    public var appId: String? {
        get { box.fields.appId }
        set { fields.appId = newValue }
        _modify { yield &fields.appId }
    }

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
        box = Box(
            Fields(
                contentType: contentType, contentEncoding: contentEncoding, headers: headers, deliveryMode: deliveryMode, priority: priority, correlationId: correlationId, replyTo: replyTo,
                expiration: expiration, messageId: messageId, timestamp: timestamp, type: type, userId: userId, appId: appId))
    }

    /// What the wire checks need, read in one pass over the fields (each property read on its
    /// own retains and releases its string: twice nine of them a publish, the check and the
    /// header size, cost more than the rest of the check).
    struct WireSummary {
        /// The content header's payload size (`AMQPWireSize.contentHeader`).
        var contentHeaderBytes: Int
        /// The first property longer than a short string, with its length in bytes.
        var tooLong: (name: StaticString, bytes: Int)?
    }

    var wireSummary: WireSummary { box.wireSummary() }

    /// True when both values read the same storage (so they are equal, and stay so while both live).
    func sharesStorage(with other: AMQPProperties) -> Bool { box === other.box }

    public static func == (lhs: AMQPProperties, rhs: AMQPProperties) -> Bool {
        lhs.box === rhs.box || lhs.box.fields == rhs.box.fields
    }

    public func hash(into hasher: inout Hasher) {
        box.fields.hash(into: &hasher)
    }
}
