/// An X id (a 64-bit snowflake) as a decimal string of 1 to 19 digits; anything else fails
/// decoding, naming its field, since ids are compared as integers downstream.
struct WireSnowflake: Decodable, Sendable, Hashable {
    var value: String

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard XArgumentValidation.isSnowflake(text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a numeric id")
        }
        value = text
    }
}
