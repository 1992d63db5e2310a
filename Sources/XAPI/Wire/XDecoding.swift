import Foundation

/// Decodes X's JSON answers, turning a `DecodingError` into `XAPIError.decoding` that names the
/// operation and the offending field's path (`data[3].created_at`).
enum XDecoding {
    /// Shared decoder: wire models decode their own dates, so no strategy is set.
    static let jsonDecoder = JSONDecoder()

    static func decode<T: Decodable>(_ type: T.Type, from data: Data, operation: XOperation) throws -> T {
        do {
            return try jsonDecoder.decode(type, from: data)
        } catch let error as DecodingError {
            // Invalid UTF-8 or a lone surrogate would fail every later read of the same page:
            // read it with the broken characters replaced instead.
            if case .dataCorrupted(let context) = error, context.codingPath.isEmpty, let repaired = JSONRepair.repaired(data),
                let value = try? jsonDecoder.decode(type, from: repaired)
            {
                return value
            }
            throw mapped(error, operation: operation)
        } catch {
            throw XAPIError.decoding(operation: operation, field: "<body>", reason: "not valid JSON")
        }
    }

    static func mapped(_ error: DecodingError, operation: XOperation) -> XAPIError {
        switch error {
        case .typeMismatch(let expected, let context):
            return .decoding(operation: operation, field: path(context.codingPath), reason: "expected \(typeName(expected))")
        case .valueNotFound(let expected, let context):
            return .decoding(operation: operation, field: path(context.codingPath), reason: "expected \(typeName(expected)), found null")
        case .keyNotFound(let key, let context):
            return .decoding(operation: operation, field: path(context.codingPath + [key]), reason: "required field is missing")
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty {
                return .decoding(operation: operation, field: "<body>", reason: "not valid JSON")
            }
            return .decoding(operation: operation, field: path(context.codingPath), reason: context.debugDescription)
        @unknown default:
            return .decoding(operation: operation, field: "<body>", reason: "undecodable")
        }
    }

    /// `data[3].created_at` from a coding path.
    static func path(_ codingPath: [any CodingKey]) -> String {
        var result = ""
        for key in codingPath {
            if let index = key.intValue {
                result += "[\(index)]"
            } else {
                result += result.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
        return result.isEmpty ? "<body>" : result
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Int64.Type, is UInt64.Type: "an integer"
        case is Bool.Type: "a boolean"
        case is Double.Type: "a number"
        default:
            switch "\(type)" {
            case let name where name.hasPrefix("Array"): "an array"
            case let name where name.hasPrefix("Dictionary"): "an object"
            case let name: name
            }
        }
    }
}
