/// What X said about a refused request: a v2 problem (`title`, `detail`, `type`) or v1.1 errors
/// (`code`, `message`), or an OAuth error (`error`, `error_description`), in one shape.
public struct XProblem: Sendable, Hashable, CustomStringConvertible {
    /// One entry of a v1.1 `errors` array or of a v2 partial-error list.
    public struct Item: Sendable, Hashable {
        /// v1.1 error code (e.g. 34 "page does not exist", 349 "cannot send messages to this user").
        public var code: Int?
        /// X's text for the error.
        public var message: String
        /// One error entry.
        public init(code: Int?, message: String) {
            self.code = code
            self.message = message
        }
    }

    /// Short summary (`title` in v2, the first message in v1.1, the OAuth `error` code).
    public var title: String?
    /// Explanation (`detail` in v2, `error_description` for OAuth).
    public var detail: String?
    /// Problem type URI (v2), e.g. `https://api.x.com/2/problems/resource-not-found`.
    public var type: String?
    /// v1.1 error code of the first error, when there is one.
    public var code: Int?
    /// Every error X listed (v1.1 `errors`, or further v2 problems).
    public var errors: [Item]

    /// A problem from known parts.
    public init(title: String? = nil, detail: String? = nil, type: String? = nil, code: Int? = nil, errors: [Item] = []) {
        self.title = title
        self.detail = detail
        self.type = type
        self.code = code
        self.errors = errors
    }

    public var description: String {
        var parts: [String] = []
        if let title { parts.append(title) }
        if let code { parts.append("code \(code)") }
        if let detail, detail != title { parts.append(detail) }
        if let type { parts.append("[\(type)]") }
        return parts.isEmpty ? "no details" : parts.joined(separator: ": ")
    }
}
