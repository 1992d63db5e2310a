import Foundation

/// Base64 as media arrives in it: a JSON upload's `media`, a multipart part sent with
/// `Content-Transfer-Encoding: base64` (broken into lines), a control API attachment's `data`.
enum Base64 {
    /// The decoded bytes; line breaks and spaces are skipped and missing `=` padding is restored.
    /// `nil` when any other character is not of the standard alphabet. Works on UTF-8 bytes, not
    /// characters: a file of megabytes must not cost seconds.
    static func decode(_ text: String) -> [UInt8]? {
        decode(Array(text.utf8))
    }

    /// The decoded bytes of base64 text given as its UTF-8 bytes.
    static func decode(_ text: [UInt8]) -> [UInt8]? {
        var trimmed = text.filter { $0 != 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D }
        let remainder = trimmed.count % 4
        if remainder != 0 { trimmed += [UInt8](repeating: UInt8(ascii: "="), count: 4 - remainder) }
        return Data(base64Encoded: Data(trimmed)).map { [UInt8]($0) }
    }
}
