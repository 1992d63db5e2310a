import Foundation
import KiamoTwitter

/// The JSON form of every `--json` answer: one document, keys sorted, dates in ISO 8601, slashes
/// unescaped, so scripts can rely on the same shape and byte-stable output.
public enum AdminJSON {
    /// `value` as one pretty-printed JSON document.
    public static func encode(_ value: some Encodable) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return try encoder.encode(value)
    }

    /// `value` as one line of compact JSON (the Kiamo messages inside a text report).
    public static func line(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    /// ISO 8601 text of a date, for the lines of text reports.
    public static func time(_ date: Date) -> String {
        Date.ISO8601FormatStyle().format(date)
    }
}
