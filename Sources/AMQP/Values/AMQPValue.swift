import Foundation

/// One value of an AMQP field table or array (message headers, declare arguments).
///
/// The cases are the field types RabbitMQ understands; an unsigned 64-bit integer is absent on
/// purpose, because RabbitMQ rejects it and closes the connection. Integer literals become
/// `.int64` (RabbitMQ's "long"), which every argument such as `x-message-ttl` accepts.
public enum AMQPValue: Sendable, Hashable {
    /// `t`: a boolean.
    case bool(Bool)
    /// `b`: a signed byte.
    case int8(Int8)
    /// `B`: an unsigned byte.
    case uint8(UInt8)
    /// `s`: a signed 16-bit integer.
    case int16(Int16)
    /// `u`: an unsigned 16-bit integer.
    case uint16(UInt16)
    /// `I`: a signed 32-bit integer.
    case int32(Int32)
    /// `i`: an unsigned 32-bit integer.
    case uint32(UInt32)
    /// `l`: a signed 64-bit integer (RabbitMQ's "long").
    case int64(Int64)
    /// `f`: a 32-bit float.
    case float(Float)
    /// `d`: a 64-bit float.
    case double(Double)
    /// `D`: a decimal.
    case decimal(AMQPDecimal)
    /// A long string (UTF-8).
    case string(String)
    /// A byte array (RabbitMQ's `x` type).
    case bytes(Data)
    /// `A`: an array of values of any kinds.
    case array([AMQPValue])
    /// `F`: a nested table.
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
    /// `.string` from a literal.
    public init(stringLiteral value: String) { self = .string(value) }
}

extension AMQPValue: ExpressibleByIntegerLiteral {
    /// `.int64` from a literal.
    public init(integerLiteral value: Int64) { self = .int64(value) }
}

extension AMQPValue: ExpressibleByBooleanLiteral {
    /// `.bool` from a literal.
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}

extension AMQPValue: ExpressibleByFloatLiteral {
    /// `.double` from a literal.
    public init(floatLiteral value: Double) { self = .double(value) }
}

extension AMQPValue: ExpressibleByArrayLiteral {
    /// `.array` from a literal.
    public init(arrayLiteral elements: AMQPValue...) { self = .array(elements) }
}

extension AMQPValue: ExpressibleByDictionaryLiteral {
    /// `.table` from a literal.
    public init(dictionaryLiteral elements: (String, AMQPValue)...) {
        self = .table(AMQPTable(elements))
    }
}
