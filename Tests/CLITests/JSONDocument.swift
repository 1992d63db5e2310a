import Foundation

/// A `--json` answer parsed loosely, for checking its shape.
struct JSONDocument {
    let value: Any

    init(_ text: String) throws {
        value = try JSONSerialization.jsonObject(with: Data(text.utf8))
    }

    var object: [String: Any] { value as? [String: Any] ?? [:] }

    subscript(key: String) -> Any? { object[key] }

    func array(_ key: String) -> [[String: Any]] { object[key] as? [[String: Any]] ?? [] }
}
