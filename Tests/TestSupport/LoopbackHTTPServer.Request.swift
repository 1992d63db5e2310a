import CurlHTTP
import Foundation

extension LoopbackHTTPServer {
    /// One request as the server read it off the wire.
    public struct Request: Sendable {
        /// The method as sent, e.g. `GET`.
        public let method: String
        /// The request target as sent: path and query, e.g. `/2/users/me?user.fields=id`.
        public let target: String
        /// The header fields as sent, looked up case-insensitively.
        public let headers: HTTPHeaders
        /// The body, de-chunked when it came with `Transfer-Encoding: chunked`.
        public let body: Data
        /// Which accepted connection carried it: 1 for the first one the server accepted, and so on.
        public let connectionNumber: Int

        /// The target without its query string.
        public var path: String { String(target.prefix { $0 != "?" }) }
        /// The query string without the `?`, or nil when there is none.
        public var query: String? { target.firstIndex(of: "?").map { String(target[target.index(after: $0)...]) } }
        /// The body as UTF-8 text.
        public var bodyText: String { String(decoding: body, as: UTF8.self) }
    }
}
