/// A settings template with `{name}` placeholders (`ingest.senderNameTemplate`,
/// `media.textTemplate`), filled in one pass: a placeholder is replaced where the template has
/// it, and the replacement is never read again, so a value holding `{id}` or `{url}` (a display
/// name, a link) stays as it is. Unknown `{...}` text is kept. Pure.
struct PlaceholderTemplate: Sendable {
    let text: String

    /// The template with each `{key}` of `values` replaced by its value.
    func render(_ values: [String: String]) -> String {
        var result = ""
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "{") {
            result += rest[..<open]
            let tail = rest[open...]
            if let (name, value) = values.first(where: { tail.hasPrefix("{\($0.key)}") }) {
                result += value
                rest = tail.dropFirst(name.count + 2)
            } else {
                result += "{"
                rest = tail.dropFirst()
            }
        }
        return result + rest
    }
}
