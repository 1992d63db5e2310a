import Foundation
import XIdentifiers

/// Checks the arguments X would refuse with a 400, before spending a request (and rate-limit
/// budget) on them.
enum XArgumentValidation {
    static func userId(_ id: String, argument: String, operation: XOperation) throws {
        guard XID.isValid(id) else {
            throw XAPIError.invalidArgument(
                operation: operation, argument: argument,
                reason: "'\(id.prefix(40))' is not a numeric X user id (1 to 19 digits, at most \(Int64.max))")
        }
    }

    /// Usernames are 1 to 15 letters, digits or underscores (leading `@` not allowed).
    static func username(_ username: String, operation: XOperation) throws {
        let valid =
            (1...15).contains(username.utf8.count)
            && username.utf8.allSatisfy {
                ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z")) || ($0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z"))
                    || ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || $0 == UInt8(ascii: "_")
            }
        guard valid else {
            throw XAPIError.invalidArgument(operation: operation, argument: "username", reason: "'\(username.prefix(40))' is not an X username (1 to 15 letters, digits or _, without @)")
        }
    }

    static func dmText(_ text: String, operation: XOperation, withMedia: Bool = false) throws {
        guard !text.isEmpty || withMedia else {
            throw XAPIError.invalidArgument(operation: operation, argument: "text", reason: "a DM needs some text")
        }
        let length = dmTextLength(text)
        guard length <= XAPI.maxDMTextLength else {
            throw XAPIError.invalidArgument(operation: operation, argument: "text", reason: "\(length) characters, X accepts at most \(XAPI.maxDMTextLength)")
        }
    }

    /// The length X checks: Unicode code points after NFC normalization, as X's text library
    /// counts (an emoji with a skin tone counts 2, `e` + combining accent counts 1).
    static func dmTextLength(_ text: String) -> Int {
        text.precomposedStringWithCanonicalMapping.unicodeScalars.count
    }

    /// X attaches one uploaded media item to a DM, by its numeric id.
    static func mediaIds(_ ids: [String], operation: XOperation) throws {
        guard ids.count <= 1 else {
            throw XAPIError.invalidArgument(operation: operation, argument: "mediaIds", reason: "\(ids.count) media, X attaches one per DM")
        }
        for id in ids where id.isEmpty || id.utf8.count > 19 || !id.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) {
            throw XAPIError.invalidArgument(operation: operation, argument: "mediaIds", reason: "'\(id)' is not a media id (1 to 19 digits)")
        }
    }

    static func userIds(_ ids: [String], operation: XOperation) throws {
        guard (1...100).contains(ids.count) else {
            throw XAPIError.invalidArgument(operation: operation, argument: "ids", reason: "\(ids.count) ids, X accepts 1 to 100 per call")
        }
        for id in ids { try userId(id, argument: "ids", operation: operation) }
    }
}
