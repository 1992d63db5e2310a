import struct Foundation.Date

/// A v1.1 `created_timestamp`: milliseconds since the epoch as a decimal string (a bare number is
/// accepted too); anything else fails decoding, naming its field.
struct WireMillisecondsDate: Decodable, Sendable {
    var date: Date

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text: String
        if let number = try? container.decode(Int64.self) {
            text = String(number)
        } else {
            text = try container.decode(String.self)
        }
        guard let date = XDate.parseMilliseconds(text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not milliseconds since the epoch")
        }
        self.date = date
    }
}
