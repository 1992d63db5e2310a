import struct Foundation.Data

/// Any error body X sends, decoded leniently: v2 problem JSON (`title`, `detail`, `type`,
/// `errors`), v1.1 `{"errors": [{"code", "message"}]}`, OAuth `{"error", "error_description"}`.
///
/// Every field is optional and a field of an unexpected type is ignored: an error answer must
/// never turn into a decoding failure that hides X's status.
struct XErrorBody: Decodable, Sendable {
    struct Entry: Decodable, Sendable {
        var code: Int?
        var message: String?
        var title: String?
        var detail: String?
        var type: String?

        private enum CodingKeys: String, CodingKey { case code, message, title, detail, type }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            code = (try? container.decodeIfPresent(Int.self, forKey: .code)) ?? nil
            message = (try? container.decodeIfPresent(String.self, forKey: .message)) ?? nil
            title = (try? container.decodeIfPresent(String.self, forKey: .title)) ?? nil
            detail = (try? container.decodeIfPresent(String.self, forKey: .detail)) ?? nil
            type = (try? container.decodeIfPresent(String.self, forKey: .type)) ?? nil
        }

        /// The most specific text of the entry.
        var text: String? { message ?? detail ?? title }
    }

    var title: String?
    var detail: String?
    var type: String?
    var errors: [Entry]
    /// OAuth token-endpoint error code (`invalid_grant`, `invalid_request`...).
    var error: String?
    var errorDescription: String?

    private enum CodingKeys: String, CodingKey {
        case title, detail, type, errors, error
        case errorDescription = "error_description"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        title = (try? container.decodeIfPresent(String.self, forKey: .title)) ?? nil
        detail = (try? container.decodeIfPresent(String.self, forKey: .detail)) ?? nil
        type = (try? container.decodeIfPresent(String.self, forKey: .type)) ?? nil
        errors = ((try? container.decodeIfPresent([Entry].self, forKey: .errors)) ?? nil) ?? []
        error = (try? container.decodeIfPresent(String.self, forKey: .error)) ?? nil
        errorDescription = (try? container.decodeIfPresent(String.self, forKey: .errorDescription)) ?? nil
    }

    /// The body in one shape: v2 fields first, then v1.1's first error, then OAuth's.
    var problem: XProblem {
        let first = errors.first
        return XProblem(
            title: title ?? first?.title ?? first?.message ?? error,
            detail: detail ?? first?.detail ?? errorDescription,
            type: type ?? first?.type,
            code: first?.code,
            errors: errors.compactMap { entry in entry.text.map { XProblem.Item(code: entry.code, message: $0) } }
        )
    }

    /// The problem of a v2 answer that carries only `errors` (a user X does not know).
    static func problem(from entries: [Entry]) -> XProblem {
        let first = entries.first
        return XProblem(
            title: first?.title ?? first?.message,
            detail: first?.detail,
            type: first?.type,
            code: first?.code,
            errors: entries.compactMap { entry in entry.text.map { XProblem.Item(code: entry.code, message: $0) } }
        )
    }

    /// The body of `data` when it is JSON of any of X's error shapes, else `nil`.
    static func parse(_ data: some Collection<UInt8>) -> XErrorBody? {
        try? XDecoding.jsonDecoder.decode(XErrorBody.self, from: Data(data))
    }
}
