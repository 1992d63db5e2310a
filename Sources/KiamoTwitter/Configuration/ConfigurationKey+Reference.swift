extension ConfigurationKey {
    /// The README's configuration reference: every setting, its variable, type, default and meaning,
    /// written from `all` so the documentation cannot drift from the code.
    public static func markdownReference() -> String {
        var lines = [
            "| file key | environment variable | type | default | meaning |",
            "|---|---|---|---|---|",
        ]
        for key in all {
            let variable = key.environment.map { "`\($0)`" + (key.isSecret ? " (or `\($0)_FILE`)" : "") } ?? ""
            let value = key.defaultValue.map { $0.isEmpty ? "(empty)" : "`\($0)`" } ?? "none"
            let summary = key.summary.replacingOccurrences(of: "|", with: "\\|")
            lines.append("| `\(key.path)` | \(variable) | \(key.typeDescription.replacingOccurrences(of: "|", with: "\\|")) | \(value) | \(summary) |")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
