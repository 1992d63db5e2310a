import Foundation

/// The JSON conventions of every body kiamo-twitter publishes: UTF-8, keys sorted (the same
/// message always gives the same bytes), slashes unescaped (URLs stay readable), nulls omitted.
public enum KiamoJSON {
    public static func encode<T: Encodable>(_ value: T) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(value)
    }

    public static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        try JSONDecoder().decode(type, from: data)
    }
}
