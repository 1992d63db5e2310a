/// The type of an exchange: the four built-in ones, or any plugin type by name.
public struct AMQPExchangeType: RawRepresentable, Sendable, Hashable, ExpressibleByStringLiteral {
    /// The type name the broker knows, e.g. `topic`.
    public let rawValue: String

    /// The type named `rawValue`.
    public init(rawValue: String) { self.rawValue = rawValue }
    /// The type named by a literal.
    public init(stringLiteral value: String) { self.rawValue = value }

    /// Routes on the exact routing key.
    public static let direct = AMQPExchangeType(rawValue: "direct")
    /// Routes to every bound queue.
    public static let fanout = AMQPExchangeType(rawValue: "fanout")
    /// Routes on dotted routing-key patterns (`*`, `#`).
    public static let topic = AMQPExchangeType(rawValue: "topic")
    /// Routes on message headers (`x-match`).
    public static let headers = AMQPExchangeType(rawValue: "headers")
}
