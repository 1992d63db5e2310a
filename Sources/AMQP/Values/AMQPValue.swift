import Foundation

/// One value of an AMQP field table or array (message headers, declare arguments).
///
/// The cases are the field types RabbitMQ understands; an unsigned 64-bit integer is absent on
/// purpose, because RabbitMQ rejects it and closes the connection. Integer literals become
/// `.int64` (RabbitMQ's "long"), which every argument such as `x-message-ttl` accepts.
public enum AMQPValue: Sendable, Hashable {
    case bool(Bool)
    case int8(Int8)
    case uint8(UInt8)
    case int16(Int16)
    case uint16(UInt16)
    case int32(Int32)
    case uint32(UInt32)
    case int64(Int64)
    case float(Float)
    case double(Double)
    case decimal(AMQPDecimal)
    /// A long string (UTF-8).
    case string(String)
    /// A byte array (RabbitMQ's `x` type).
    case bytes(Data)
    case array([AMQPValue])
    case table(AMQPTable)
    /// Whole seconds since 1970; sub-second parts are dropped on the wire.
    case timestamp(Date)
    /// The explicit absence of a value.
    case void

    /// The value as a string, when it is one.
    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The value as an integer, when it is any integer case.
    public var intValue: Int64? {
        switch self {
        case .int8(let v): Int64(v)
        case .uint8(let v): Int64(v)
        case .int16(let v): Int64(v)
        case .uint16(let v): Int64(v)
        case .int32(let v): Int64(v)
        case .uint32(let v): Int64(v)
        case .int64(let v): v
        default: nil
        }
    }

    /// The nested table, when the value is one.
    public var tableValue: AMQPTable? {
        if case .table(let value) = self { return value }
        return nil
    }

    /// The elements, when the value is an array.
    public var arrayValue: [AMQPValue]? {
        if case .array(let value) = self { return value }
        return nil
    }
}

extension AMQPValue: ExpressibleByStringLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
}

extension AMQPValue: ExpressibleByIntegerLiteral {
    public init(integerLiteral value: Int64) { self = .int64(value) }
}

extension AMQPValue: ExpressibleByBooleanLiteral {
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}

extension AMQPValue: ExpressibleByFloatLiteral {
    public init(floatLiteral value: Double) { self = .double(value) }
}

extension AMQPValue: ExpressibleByArrayLiteral {
    public init(arrayLiteral elements: AMQPValue...) { self = .array(elements) }
}

extension AMQPValue: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, AMQPValue)...) {
        self = .table(AMQPTable(elements))
    }
}
