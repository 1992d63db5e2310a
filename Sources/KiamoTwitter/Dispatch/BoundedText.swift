/// Caps on what the dispatch worker copies from a command into a header, a property or an error
/// message. A command may carry anything (a 200,000-character `accountId`, 130 KB of headers);
/// copied whole into a dead letter it would make that dead letter impossible to publish, and the
/// command would come back for ever. Pure.
public enum BoundedText {
    /// The most a copied header value or error message keeps, in UTF-8 bytes.
    public static let valueLimit = 1024
    /// The most the original headers copied into a dead letter take together, encoded.
    public static let copiedHeadersLimit = 16 * 1024

    /// `text` when it fits in `limit` UTF-8 bytes, else its longest prefix of whole characters
    /// that fits with the mark `… [cut, N bytes]` (N: the original size), the mark included.
    public static func cut(_ text: String, limit: Int = valueLimit) -> String {
        let size = text.utf8.count
        guard size > limit else { return text }
        let mark = "… [cut, \(size) bytes]"
        return prefix(text, bytes: max(0, limit - mark.utf8.count)) + mark
    }

    /// `text` cut to an AMQP short string (255 bytes), for ids copied into properties.
    public static func shortString(_ text: String) -> String {
        cut(text, limit: 255)
    }

    /// The longest prefix of whole characters of `text` within `bytes` UTF-8 bytes.
    static func prefix(_ text: String, bytes: Int) -> String {
        var used = 0
        var end = text.startIndex
        for character in text {
            let size = character.utf8.count
            guard used + size <= bytes else { break }
            used += size
            end = text.index(after: end)
        }
        return String(text[..<end])
    }
}
