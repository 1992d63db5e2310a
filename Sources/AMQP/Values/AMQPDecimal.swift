/// An AMQP decimal field value: `value × 10^-scale`, exactly as it travels on the wire.
///
/// Kept as the two integers rather than a `Decimal` so a round trip through the broker never
/// changes the digits.
public struct AMQPDecimal: Sendable, Hashable, CustomStringConvertible {
    /// How many digits of `value` sit after the decimal point.
    public var scale: UInt8
    /// The unscaled digits.
    public var value: UInt32

    /// A decimal of `value × 10^-scale`.
    public init(scale: UInt8, value: UInt32) {
        self.scale = scale
        self.value = value
    }

    /// The decimal in plain notation, e.g. `123.45`.
    public var description: String {
        guard scale > 0 else { return String(value) }
        var digits = String(value)
        let width = Int(scale) + 1
        if digits.count < width { digits = String(repeating: "0", count: width - digits.count) + digits }
        let point = digits.index(digits.endIndex, offsetBy: -Int(scale))
        return "\(digits[..<point]).\(digits[point...])"
    }
}
