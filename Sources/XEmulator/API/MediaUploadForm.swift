/// The fields of an upload or append body, in either form the schema allows: JSON (`media` as
/// base64 text) or multipart/form-data (`media` a part of raw bytes, or of base64 text sent with
/// `Content-Transfer-Encoding: base64`). Checked as X checks them: another body type, an unknown
/// field (`additionalProperties: false`), a field of the wrong type, or a required one missing
/// are refused with an invalid-request problem listing every problem.
struct MediaUploadForm: Sendable {
    /// What a field holds.
    enum Kind: Sendable {
        case text
        case integer
        /// The file (or chunk): bytes.
        case media
    }

    var texts: [String: String] = [:]
    var integers: [String: Int64] = [:]
    var media: [UInt8]?

    /// The fields of `request`'s body, which may hold `fields` and must hold `required`.
    static func parse(_ request: EmulatorRequest, fields: [(String, Kind)], required: [String]) throws(Refusal) -> MediaUploadForm {
        let allowed = fields.map(\.0)
        let kinds = Dictionary(fields, uniquingKeysWith: { first, _ in first })
        var form = MediaUploadForm()
        var problems: [XErrors.Invalid] = []
        func unknown(_ name: String) {
            problems.append(XErrors.Invalid(name, "", "[\(name)] is not one of [\(allowed.joined(separator: ","))]"))
        }
        switch request.mediaType {
        case "application/json"?:
            guard let body = JSONValue.parse(request.body), case .object(let members) = body else {
                throw Refusal(XErrors.invalidRequest(XErrors.Invalid(message: "Requested body is not a valid JSON object")))
            }
            for (name, value) in members {
                switch kinds[name] {
                case nil:
                    unknown(name)
                case .text?:
                    if let text = value.stringValue { form.texts[name] = text } else { problems.append(XErrors.Invalid(name, "", "[\(name)] must be a string")) }
                case .integer?:
                    if case .integer(let number) = value { form.integers[name] = number } else { problems.append(XErrors.Invalid(name, "", "[\(name)] must be an integer")) }
                case .media?:
                    if let bytes = value.stringValue.flatMap(Base64.decode) {
                        form.media = bytes
                    } else {
                        problems.append(XErrors.Invalid(name, "", "[\(name)] must be base64-encoded bytes in a JSON body"))
                    }
                }
            }
        case "multipart/form-data"?:
            guard let multipart = MultipartForm.parse(request.body, contentType: request.header("content-type") ?? "") else {
                throw Refusal(XErrors.invalidRequest(XErrors.Invalid(message: "The multipart/form-data body is malformed (boundary, part headers or closing delimiter)")))
            }
            var seen = Set<String>()
            for part in multipart.parts {
                guard seen.insert(part.name).inserted else {
                    problems.append(XErrors.Invalid(part.name, "", "Duplicate parameters are not allowed: [\(part.name)]"))
                    continue
                }
                // Text only for the small fields: decoding a file of megabytes as UTF-8 costs seconds.
                var text: String { String(decoding: part.body, as: UTF8.self) }
                switch kinds[part.name] {
                case nil:
                    unknown(part.name)
                case .text?:
                    form.texts[part.name] = text
                case .integer?:
                    let digits = text.trimmingCharacters(in: " \t\r\n")
                    if let number = Int64(digits) {
                        form.integers[part.name] = number
                    } else {
                        problems.append(XErrors.Invalid(part.name, digits, "[\(part.name)] must be an integer"))
                    }
                case .media?:
                    if part.transferEncoding == "base64" {
                        if let bytes = Base64.decode(part.body) { form.media = bytes } else { problems.append(XErrors.Invalid(part.name, "", "[\(part.name)] is not valid base64")) }
                    } else {
                        form.media = part.body
                    }
                }
            }
        default:
            throw Refusal(XErrors.invalidRequest(XErrors.Invalid(message: "The request body must be multipart/form-data or application/json")))
        }
        for name in required where form.texts[name] == nil && form.integers[name] == nil && (kinds[name] != .media || form.media == nil) {
            if !problems.contains(where: { $0.parameters.first?.0 == name }) { problems.append(XErrors.Invalid(name, "", "[\(name)] is required")) }
        }
        if !problems.isEmpty { throw Refusal(XErrors.invalidRequest(problems)) }
        return form
    }
}

extension String {
    /// The string without leading and trailing characters of `set`.
    fileprivate func trimmingCharacters(in set: String) -> String {
        self[...].trimmingCharacters(in: set)
    }
}
