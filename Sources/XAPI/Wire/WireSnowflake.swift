import XIdentifiers

/// An X id (`XID`: 1 to 19 digits, at most `Int64.max`) as a decimal string; anything else fails
/// decoding, naming its field, since ids are compared as integers downstream.
struct WireSnowflake: Decodable, Sendable, Hashable {
    var value: String

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard XID.isValid(text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a numeric id")
        }
        value = text
    }
}
