import Foundation

/// `MODE --name value ...` as the tests pass it.
struct ProbeArguments {
    struct Invalid: Error, CustomStringConvertible {
        let reason: String
        var description: String { "state-probe: \(reason)" }
    }

    let mode: String
    private let values: [String: String]

    init(_ words: ArraySlice<String>) {
        mode = words.first ?? ""
        var values: [String: String] = [:]
        var rest = words.dropFirst()
        while let word = rest.first, word.hasPrefix("--") {
            rest = rest.dropFirst()
            values[String(word.dropFirst(2))] = rest.first ?? ""
            rest = rest.dropFirst()
        }
        self.values = values
    }

    func string(_ name: String) throws -> String {
        guard let value = values[name], !value.isEmpty else { throw Invalid(reason: "--\(name) is required") }
        return value
    }

    func int(_ name: String, default fallback: Int? = nil) throws -> Int {
        guard let text = values[name] else {
            if let fallback { return fallback }
            throw Invalid(reason: "--\(name) is required")
        }
        guard let value = Int(text) else { throw Invalid(reason: "--\(name) must be a number, not '\(text)'") }
        return value
    }
}
