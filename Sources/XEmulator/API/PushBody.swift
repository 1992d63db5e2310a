/// The JSON object body of a push route, checked as X checks it: JSON, an object, no member
/// the schema does not name.
enum PushBody {
    static func object(_ request: EmulatorRequest, allowed: [String], emptyIsObject: Bool = false) throws(Refusal) -> JSONValue {
        if emptyIsObject && request.body.isEmpty { return .object([]) }
        guard let body = JSONValue.parse(request.body) else {
            throw Refusal(XErrors.invalidRequest(XErrors.Invalid(message: "Requested body is not valid JSON")))
        }
        guard let keys = body.objectKeys else {
            throw Refusal(XErrors.invalidRequest(XErrors.Invalid(message: "Requested body must be a JSON object")))
        }
        let unknown = keys.filter { !allowed.contains($0) }
        if !unknown.isEmpty {
            throw Refusal(
                XErrors.invalidRequest(unknown.map { XErrors.Invalid($0, "", "[\($0)] is not one of [\(allowed.joined(separator: ","))]") }))
        }
        return body
    }
}
