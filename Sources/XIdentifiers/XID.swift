/// An X id (a user, a DM event, a conversation participant): X's schema writes it as 1 to 19
/// decimal digits (`^[0-9]{1,19}$`), and X issues them as positive signed 64-bit snowflakes.
/// This is the one check of that rule: the X client refuses an argument that breaks it before
/// spending a request, the decoder refuses such an id in X's answers, dispatch refuses such a
/// `to.id`, the state store such an event id, and the PHP connector applies the same bounds
/// (`TwitterQueueIds::isXId`). Ids compare as numbers, never as text ("999" < "1000").
public struct XID: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The id's value, from 1 to `Int64.max`.
    public let value: Int64

    /// Most digits X writes in an id.
    public static let maxDigits = 19

    /// The id `text` writes (leading zeros allowed, as the schema's pattern allows them), or nil
    /// when it is not 1 to 19 ASCII digits of a value from 1 to `Int64.max`.
    public init?(_ text: some StringProtocol) {
        let utf8 = text.utf8
        guard (1...Self.maxDigits).contains(utf8.count) else { return nil }
        var value: Int64 = 0
        for byte in utf8 {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(Int64(byte - UInt8(ascii: "0")))
            guard !overflow1, !overflow2 else { return nil }
            value = sum
        }
        guard value > 0 else { return nil }
        self.value = value
    }

    /// The id of `value`, or nil when it is not from 1 to `Int64.max`.
    public init?(value: Int64) {
        guard value > 0 else { return nil }
        self.value = value
    }

    /// Whether `text` is an X id.
    public static func isValid(_ text: some StringProtocol) -> Bool {
        XID(text) != nil
    }

    /// The canonical text: no leading zeros ("007" and "7" are the same id).
    public var description: String { String(value) }

    public static func < (lhs: XID, rhs: XID) -> Bool { lhs.value < rhs.value }
}
