import CurlHTTP
import Foundation
import Synchronization
import XAPI

/// An `XHTTPTransport` answering from a closure and recording every request, for unit tests of
/// the client's decisions without a network.
final class CannedTransport: XHTTPTransport {
    typealias Handler = @Sendable (_ request: HTTPRequest, _ index: Int) async throws -> HTTPResponse

    private let recorded = Mutex<[HTTPRequest]>([])
    private let handler: Handler

    init(_ handler: @escaping Handler) { self.handler = handler }

    /// Answers every request with the same response.
    convenience init(status: Int, json: String, headers: HTTPHeaders = [:]) {
        self.init { _, _ in CannedTransport.response(status: status, json: json, headers: headers) }
    }

    /// A transport no test expects to be called.
    static let unreachable = CannedTransport { _, _ in throw HTTPClientError.shutdown }

    var requests: [HTTPRequest] { recorded.withLock { $0 } }

    func execute(_ request: HTTPRequest) async throws -> HTTPResponse {
        let index = recorded.withLock { requests in
            requests.append(request)
            return requests.count - 1
        }
        return try await handler(request, index)
    }

    static func response(status: Int, json: String, headers: HTTPHeaders = [:]) -> HTTPResponse {
        var headers = headers
        if !headers.contains("content-type") { headers.add(name: "content-type", value: "application/json") }
        return HTTPResponse(status: status, headers: headers, body: Data(json.utf8))
    }
}

extension HTTPRequest {
    /// The query's decoded fields by name (first value wins).
    var queryFields: [String: String] {
        guard let mark = url.firstIndex(of: "?"), let pairs = PercentEncoding.parseForm(String(url[url.index(after: mark)...])) else { return [:] }
        return Dictionary(pairs.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
    }

    /// The URL's path, without scheme, host and query.
    var path: String {
        let withoutQuery = url.prefix { $0 != "?" }
        guard let schemeEnd = withoutQuery.range(of: "://") else { return String(withoutQuery) }
        let rest = withoutQuery[schemeEnd.upperBound...]
        return rest.firstIndex(of: "/").map { String(rest[$0...]) } ?? "/"
    }

    /// The form body's decoded fields by name.
    var formFields: [String: String] {
        guard let body, let pairs = PercentEncoding.parseForm(String(decoding: body, as: UTF8.self)) else { return [:] }
        return Dictionary(pairs.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
    }
}
