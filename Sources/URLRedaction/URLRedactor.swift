/// The one way the project turns a URL into text for a person: everything between `://` and the
/// last `@` becomes `****`.
///
/// Why the *last* `@` and not a parser: a password may hold `/`, `?`, `#`, `:` or `@` written
/// raw (`amqp://user:pa/ss@host/`), and any rule that first cuts the URL at `/`, `?` or `#`
/// prints the password's tail as a host, a path or a port. The parsers that read credentials out
/// of a URL (`AMQPConfiguration(url:)`) take the user information by the same rule, so what they
/// read as credentials is exactly what this masks. The user name is masked too: the rule stays one
/// cut with nothing to get wrong, and the host, port and path still tell which broker or file.
///
/// A URL with no `@` has nothing to hide and comes back unchanged. Text with an `@` but no `://`
/// (a mistyped scheme such as `amqp:/user:pw@host`) loses everything before its last `@`.
public enum URLRedactor {
    /// What replaces the user information.
    public static let mask = "****"

    /// `url` with its user information masked; see the type's rule.
    public static func redact(_ url: String) -> String {
        guard let at = url.lastIndex(of: "@") else { return url }
        guard let afterScheme = schemeEnd(of: url), afterScheme <= at else {
            return mask + String(url[at...])
        }
        return String(url[..<afterScheme]) + mask + String(url[at...])
    }

    /// The index just past the first `://`, found without Foundation so the module stays free
    /// of dependencies.
    static func schemeEnd(of url: String) -> String.Index? {
        var index = url.startIndex
        while index < url.endIndex {
            if url[index...].hasPrefix("://") { return url.index(index, offsetBy: 3) }
            index = url.index(after: index)
        }
        return nil
    }
}
