import Foundation

/// Checks of the time formats X writes, for the push tests.
enum XTimestampCheck {
    /// Whether `text` is an RFC 3339 time (with or without fractional seconds).
    static func isRFC3339(_ text: String?) -> Bool {
        guard let text else { return false }
        return (try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text)) != nil
            || (try? Date.ISO8601FormatStyle().parse(text)) != nil
    }
}
