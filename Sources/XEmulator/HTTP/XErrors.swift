/// X's error answers, body for body, in each dialect.
enum XErrors {
    /// Problem types live under this prefix (the schema's enum values).
    static let problemBase = "https://api.x.com/2/problems/"
    /// The older prefix X still writes in some answers: the app-only refusal of the wire contract
    /// (`.../unsupported-authentication`) and the stream's connection limit.
    static let twitterProblemBase = "https://api.twitter.com/2/problems/"

    /// One entry of an invalid-request problem's `errors`: the offending parameters and a message.
    struct Invalid: Sendable {
        var parameters: [(String, [String])]
        var message: String

        init(_ parameter: String, _ value: String, _ message: String) {
            parameters = [(parameter, [value])]
            self.message = message
        }

        init(message: String) {
            parameters = []
            self.message = message
        }
    }

    // MARK: v2

    /// 400 `invalid-request`, listing every problem found.
    static func invalidRequest(_ problems: [Invalid]) -> EmulatorResponse {
        let errors: [JSONValue] = problems.map { problem in
            .object([
                ("parameters", .object(problem.parameters.map { ($0.0, .array($0.1.map(JSONValue.string))) })),
                ("message", .string(problem.message)),
            ])
        }
        return .json(
            400,
            .object([
                ("errors", .array(errors)),
                ("title", "Invalid Request"),
                ("detail", "One or more parameters to your request was invalid."),
                ("type", .string(problemBase + "invalid-request")),
                ("status", 400),
            ]), contentType: EmulatorResponse.problemType)
    }

    static func invalidRequest(_ problem: Invalid) -> EmulatorResponse {
        invalidRequest([problem])
    }

    /// X's `about:blank` problem for a status: 401, 403, 404, 429, 5xx.
    static func blank(_ status: Int, detail: String? = nil) -> EmulatorResponse {
        let title = reason(status)
        return .json(
            status,
            .object([
                ("title", .string(title)),
                ("detail", .string(detail ?? title)),
                ("type", "about:blank"),
                ("status", .integer(Int64(status))),
            ]), contentType: EmulatorResponse.problemType)
    }

    /// `401 {"title":"Unauthorized","type":"about:blank","status":401,"detail":"Unauthorized"}`.
    static var unauthorized: EmulatorResponse { blank(401) }

    /// `429 {"title":"Too Many Requests","detail":"Too Many Requests","type":"about:blank","status":429}`.
    static var tooManyRequests: EmulatorResponse { blank(429) }

    /// One `resource-not-found` entry of a 200 answer's `errors` array.
    static func notFound(resourceType: String, parameter: String, value: String, detail: String) -> JSONValue {
        .object([
            ("value", .string(value)),
            ("detail", .string(detail)),
            ("title", "Not Found Error"),
            ("resource_type", .string(resourceType)),
            ("parameter", .string(parameter)),
            ("resource_id", .string(value)),
            ("type", .string(problemBase + "resource-not-found")),
        ])
    }

    /// A 404 `resource-not-found` problem: a path names something that does not exist (or that
    /// the caller may not see, which X does not tell apart).
    static func resourceNotFound(resourceType: String, parameter: String, value: String, detail: String) -> EmulatorResponse {
        guard case .object(let members) = notFound(resourceType: resourceType, parameter: parameter, value: value, detail: detail) else { return blank(404) }
        return .json(404, .object(members + [("status", 404)]), contentType: EmulatorResponse.problemType)
    }

    /// X's 403 for credentials of a kind the endpoint does not take (an app-only token where a
    /// user's is needed, OAuth 1.0a where OAuth 2.0 is).
    static func unsupportedAuthentication(used: String, supported: [String], base: String = problemBase) -> EmulatorResponse {
        .json(
            403,
            .object([
                ("title", "Unsupported Authentication"),
                (
                    "detail",
                    .string("Authenticating with \(used) is forbidden for this endpoint.  Supported authentication types are [\(supported.joined(separator: ", "))].")
                ),
                ("type", .string(base + "unsupported-authentication")),
                ("status", 403),
            ]), contentType: EmulatorResponse.problemType)
    }

    // MARK: v1.1

    /// `{"errors":[{"code":N,"message":"..."}]}`.
    static func v1(_ status: Int, code: Int, _ message: String) -> EmulatorResponse {
        .json(status, .object([("errors", .array([.object([("code", .integer(Int64(code))), ("message", .string(message))])]))]))
    }

    /// `{"errors":[{"code":N,"label":"...","message":"..."}]}`: the app-only token endpoint's errors.
    static func v1Labelled(_ status: Int, code: Int, label: String, _ message: String) -> EmulatorResponse {
        .json(
            status,
            .object([
                ("errors", .array([.object([("code", .integer(Int64(code))), ("label", .string(label)), ("message", .string(message))])]))
            ]))
    }

    static var v1CouldNotAuthenticate: EmulatorResponse { v1(401, code: 32, "Could not authenticate you.") }
    static var v1RateLimited: EmulatorResponse { v1(429, code: 88, "Rate limit exceeded") }
    static var v1NotFound: EmulatorResponse { v1(404, code: 34, "Sorry, that page does not exist.") }

    /// v1.1's answer for a status an injected fault asks for.
    static func v1(status: Int) -> EmulatorResponse {
        switch status {
        case 401: v1CouldNotAuthenticate
        case 404: v1NotFound
        case 429: v1RateLimited
        case 500: v1(500, code: 131, "Internal error")
        case 503: v1(503, code: 130, "Over capacity")
        default: v1(status, code: status, reason(status))
        }
    }

    // MARK: OAuth 2.0

    /// `{"error":"...","error_description":"..."}`.
    static func oauth(_ status: Int, _ error: String, _ description: String) -> EmulatorResponse {
        .json(status, .object([("error", .string(error)), ("error_description", .string(description))]))
    }

    /// A used, revoked or unknown refresh token: X's exact answer.
    static var invalidRefreshToken: EmulatorResponse {
        oauth(400, "invalid_request", "Value passed for the token was invalid.")
    }

    /// The answer to a status fault, in the route's dialect.
    static func forFault(status: Int, dialect: Route.Dialect?) -> EmulatorResponse {
        switch dialect {
        case .v1: v1(status: status)
        case .oauth: oauth(status, status == 429 ? "rate_limited" : "server_error", reason(status))
        case .v2, nil:
            status == 400 ? invalidRequest(Invalid(message: "Injected fault")) : blank(status)
        }
    }

    static func reason(_ status: Int) -> String {
        switch status {
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 409: "Conflict"
        case 413: "Payload Too Large"
        case 415: "Unsupported Media Type"
        case 416: "Range Not Satisfiable"
        case 429: "Too Many Requests"
        case 500: "Internal Server Error"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        case 504: "Gateway Timeout"
        default: "Error"
        }
    }
}
