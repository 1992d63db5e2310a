import Foundation

/// Base64 as media arrives in it: a JSON upload's `media`, a multipart part sent with
/// `Content-Transfer-Encoding: base64` (broken into lines), a control API attachment's `data`.
enum Base64 {
    /// The decoded bytes; line breaks and spaces are skipped and missing `=` padding is restored.
    /// `nil` when any other character is not of the standard alphabet.
    static func decode(_ text: String) -> [UInt8]? {
        var trimmed = text.filter { !$0.isWhitespace }
        let remainder = trimmed.utf8.count % 4
        if remainder != 0 { trimmed += String(repeating: "=", count: 4 - remainder) }
        return Data(base64Encoded: trimmed).map { [UInt8]($0) }
    }
}
