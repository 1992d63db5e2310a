import Foundation

/// What a message takes on the wire, computed from Swift values before anything is sent.
///
/// librabbitmq writes `basic.publish` and then encodes the content header into a buffer of the
/// negotiated `frame_max`; a header that does not fit fails only after the method frame is out,
/// which leaves the broker waiting for a header that never comes, so the connection has to go.
/// Checking here first makes a message too large to encode the failure of that one publish.
/// Pure.
public enum AMQPWireSize {
    /// The longest AMQP short string (exchange, routing key, property strings, table keys), in UTF-8 bytes.
    public static let shortStringMax = 255
    /// Bytes of a frame besides its payload (type, channel, size, end octet).
    public static let frameOverhead = 8

    /// Encoded bytes of `table` as a field table (its 4-byte length included).
    public static func table(_ table: AMQPTable) -> Int {
        table.entries.reduce(4) { $0 + 1 + $1.key.utf8.count + field($1.value) }
    }

    /// Encoded bytes of one field value, its type octet included.
    public static func field(_ value: AMQPValue) -> Int {
        switch value {
        case .bool, .int8, .uint8: 2
        case .int16, .uint16: 3
        case .int32, .uint32, .float: 5
        case .int64, .double, .timestamp: 9
        case .decimal: 6
        case .string(let text): 5 + text.utf8.count
        case .bytes(let data): 5 + data.count
        case .array(let elements): elements.reduce(5) { $0 + field($1) }
        case .table(let nested): 1 + table(nested)
        case .void: 1
        }
    }

    /// Encoded bytes of the content header's payload (class, weight, body size, flags, properties).
    public static func contentHeader(_ properties: AMQPProperties) -> Int {
        properties.wireSummary.contentHeaderBytes
    }

    /// Why a message to `exchange` with `routingKey` and `properties` cannot be encoded within
    /// `frameMax`, or nil when it can (`extraHeaderBytes`: what the client adds to the headers).
    public static func problem(
        exchange: String, routingKey: String, properties: AMQPProperties, frameMax: Int,
        extraHeaderBytes: Int = 0
    ) -> String? {
        if exchange.utf8.count > shortStringMax { return "the exchange name is \(exchange.utf8.count) bytes (at most \(shortStringMax))" }
        if routingKey.utf8.count > shortStringMax { return "the routing key is \(routingKey.utf8.count) bytes (at most \(shortStringMax))" }
        // One pass over the properties for both checks (this runs for every publish).
        let summary = properties.wireSummary
        if let (name, bytes) = summary.tooLong { return "property \(name) is \(bytes) bytes (at most \(shortStringMax))" }
        let headers = properties.headers
        if !headers.isEmpty, let key = headers.entries.keys.first(where: { $0.utf8.count > shortStringMax }) {
            return "a header name is \(key.utf8.count) bytes (at most \(shortStringMax))"
        }
        let header = summary.contentHeaderBytes + extraHeaderBytes
        if frameMax > 0, header > frameMax - frameOverhead {
            return "its properties and headers take \(header) bytes encoded, more than a frame holds (frame_max \(frameMax))"
        }
        return nil
    }
}
