/// One answer, independent of the HTTP server: status, header fields and body bytes.
struct EmulatorResponse: Sendable {
    var status: Int
    var headers: [(String, String)]
    var body: [UInt8]

    static let jsonType = "application/json; charset=utf-8"
    static let problemType = "application/problem+json"

    init(status: Int, headers: [(String, String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A JSON answer.
    static func json(_ status: Int, _ value: JSONValue, contentType: String = jsonType) -> EmulatorResponse {
        EmulatorResponse(status: status, headers: [("content-type", contentType)], body: value.encoded)
    }

    /// A JSON answer written by hand.
    static func json(_ status: Int, bytes: [UInt8]) -> EmulatorResponse {
        EmulatorResponse(status: status, headers: [("content-type", jsonType)], body: bytes)
    }

    /// Adds header fields (rate-limit headers on every answer of a limited endpoint).
    func adding(_ extra: [(String, String)]) -> EmulatorResponse {
        var copy = self
        copy.headers.append(contentsOf: extra)
        return copy
    }
}

/// What the server does with a request: answer it, or close the connection without a word.
enum EmulatorOutcome: Sendable {
    case respond(EmulatorResponse)
    case drop

    var status: Int? {
        if case .respond(let response) = self { return response.status }
        return nil
    }
}
