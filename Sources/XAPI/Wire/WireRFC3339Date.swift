import struct Foundation.Date

/// A v2 `created_at` (`2022-10-19T08:57:15.000Z`) that fails decoding, naming its field, when it
/// is not an RFC 3339 timestamp.
struct WireRFC3339Date: Decodable, Sendable {
    var date: Date

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let date = XDate.parseRFC3339(text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not an RFC 3339 timestamp")
        }
        self.date = date
    }
}
