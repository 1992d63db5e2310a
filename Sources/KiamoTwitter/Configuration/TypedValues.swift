import Foundation

/// Converts the raw texts of the file and the environment to each key's type, falling back to the
/// key's default, and fails with the key, the value's origin and the expected type.
struct TypedValues {
    let globals: [String: ConfigurationLoader.RawValue]
    var account: [String: ConfigurationLoader.RawValue] = [:]
    var accountIndex: Int = 0

    private func lookup(_ path: String) throws -> (key: ConfigurationKey, raw: ConfigurationLoader.RawValue?, display: String) {
        guard let key = ConfigurationKey.named(path) else {
            // A path used in code but missing from ConfigurationKey.all: a programming error the tests catch.
            throw ConfigurationError(key: path, problem: "not a known setting")
        }
        if key.isAccountKey {
            return (key, account[key.accountField], "accounts[\(accountIndex)].\(key.accountField)")
        }
        let raw = globals[path] ?? key.defaultValue.map { ConfigurationLoader.RawValue(texts: [$0], origin: .defaultValue) }
        return (key, raw, path)
    }

    private func fail(_ display: String, _ raw: ConfigurationLoader.RawValue, _ problem: String) -> ConfigurationError {
        ConfigurationError(key: display, origin: raw.origin.text, problem: problem)
    }

    private func required(_ path: String) throws -> (ConfigurationKey, ConfigurationLoader.RawValue, String) {
        let (key, raw, display) = try lookup(path)
        guard let raw else { throw ConfigurationError(key: display, problem: "missing") }
        return (key, raw, display)
    }

    func string(_ path: String) throws -> String {
        let (_, raw, display) = try required(path)
        guard !raw.text.isEmpty else { throw fail(display, raw, "must not be empty") }
        return raw.text
    }

    func optionalString(_ path: String) throws -> String? {
        try lookup(path).raw?.text
    }

    func secret(_ path: String) throws -> Secret {
        let (_, raw, display) = try required(path)
        guard !raw.text.isEmpty else { throw fail(display, raw, "must not be empty") }
        return Secret(raw.text)
    }

    func optionalSecret(_ path: String) throws -> Secret? {
        guard let raw = try lookup(path).raw, !raw.text.isEmpty else { return nil }
        return Secret(raw.text)
    }

    func int(_ path: String) throws -> Int {
        let (key, raw, display) = try required(path)
        guard let value = Int(raw.text.trimmingCharacters(in: .whitespaces)) else {
            throw fail(display, raw, "expected an integer, got '\(raw.text)'")
        }
        if case .integer(let range) = key.kind, !range.contains(value) {
            throw fail(display, raw, "\(value) is out of range \(range.lowerBound)...\(range.upperBound)")
        }
        return value
    }

    func bool(_ path: String) throws -> Bool {
        let (_, raw, display) = try required(path)
        switch raw.text.lowercased() {
        case "true", "yes", "on", "1": return true
        case "false", "no", "off", "0": return false
        default: throw fail(display, raw, "expected true or false, got '\(raw.text)'")
        }
    }

    func choice(_ path: String) throws -> String {
        let (key, raw, display) = try required(path)
        guard case .choice(let allowed) = key.kind else { return raw.text }
        guard allowed.contains(raw.text) else {
            throw fail(display, raw, "expected one of \(allowed.joined(separator: ", ")), got '\(raw.text)'")
        }
        return raw.text
    }

    func duration(_ path: String) throws -> Duration {
        let (_, raw, display) = try required(path)
        guard let value = DurationText.parse(raw.text) else {
            throw fail(display, raw, "expected a duration such as 5s, 500ms, 2m, 1h or 30d, got '\(raw.text)'")
        }
        return value
    }

    func durations(_ path: String) throws -> [Duration] {
        let (_, raw, display) = try required(path)
        let parts = raw.texts.flatMap { $0.split(separator: ",").map(String.init) }
        return try parts.map { part in
            guard let value = DurationText.parse(part), value > .zero else {
                throw fail(display, raw, "expected positive durations separated by commas such as 1s,10s,1m, got '\(part)'")
            }
            return value
        }
    }
}
