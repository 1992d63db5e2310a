import ArgumentParser
import Foundation

/// Resolves each option: the flag, else `X_EMULATOR_<NAME>`, else the content of the file named
/// by `X_EMULATOR_<NAME>_FILE` (Docker secrets, as compose's test profile passes the credentials),
/// else the default; a bad value fails start-up with one line naming the flag or variable.
struct Settings {
    let environment: [String: String]

    init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
    }

    static func variable(_ flag: String) -> String {
        "X_EMULATOR_" + flag.uppercased().replacingOccurrences(of: "-", with: "_")
    }

    func optional(_ flag: String, _ given: String?) -> String? {
        if let given { return given }
        if let value = environment[Self.variable(flag)], !value.isEmpty { return value }
        guard let path = environment[Self.variable(flag) + "_FILE"], !path.isEmpty,
            var value = try? String(contentsOfFile: path, encoding: .utf8)
        else { return nil }
        while value.hasSuffix("\n") || value.hasSuffix("\r") { value.removeLast() }
        return value
    }

    func string(_ flag: String, _ given: String?, default fallback: String) -> String {
        optional(flag, given) ?? fallback
    }

    func value<T>(_ flag: String, _ given: String?, default fallback: String, _ parse: (String) -> T?) throws -> T {
        let text = optional(flag, given) ?? fallback
        guard let value = parse(text) else {
            let source = given == nil && environment[Self.variable(flag)] != nil ? Self.variable(flag) : "--\(flag)"
            throw ValidationError("\(source)=\(text) is not a valid value")
        }
        return value
    }
}
