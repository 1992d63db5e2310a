import CurlHTTP
import Foundation

extension LoopbackHTTPServer {
    /// A response for the server to send. `Content-Length`, `Transfer-Encoding`,
    /// `Content-Encoding` and `Connection` are added by the server from `framing` and `coding`.
    public struct Response: Sendable {
        /// How the body is delimited on the wire.
        public enum Framing: Sendable {
            /// `Content-Length: n`, the body in one write.
            case contentLength
            /// `Transfer-Encoding: chunked`, the body in chunks of at most `chunkSize` bytes.
            case chunked(chunkSize: Int)
            /// A lie: `Content-Length: declared` whatever the body's length, then the body and a
            /// closed connection (a server that promised more than it had).
            case claimedLength(Int)

            /// Whether the server closes the connection after this response.
            var endsConnection: Bool {
                if case .claimedLength = self { return true }
                return false
            }
        }

        /// How the body is encoded on the wire (`Content-Encoding`).
        public enum Coding: Sendable {
            /// The body as is, no `Content-Encoding`.
            case identity
            /// gzip in stored deflate blocks (see `StoredDeflateEncoder`).
            case gzip
            /// zlib in stored deflate blocks, HTTP's `deflate`.
            case deflate
        }

        /// The status code; the reason phrase is the standard one.
        public var status: Int
        /// Fields to send besides the framing ones the server adds.
        public var headers: HTTPHeaders
        /// The body before `coding` is applied.
        public var body: Data
        /// How the body is delimited.
        public var framing: Framing
        /// How the body is encoded.
        public var coding: Coding

        /// A response; by default an empty 200 with `Content-Length`.
        public init(
            status: Int = 200, headers: HTTPHeaders = [:], body: Data = Data(),
            framing: Framing = .contentLength, coding: Coding = .identity
        ) {
            self.status = status
            self.headers = headers
            self.body = body
            self.framing = framing
            self.coding = coding
        }

        /// A `text/plain; charset=utf-8` response.
        public static func text(_ text: String, status: Int = 200, headers: HTTPHeaders = [:]) -> Response {
            var headers = headers
            if !headers.contains("Content-Type") { headers.add(name: "Content-Type", value: "text/plain; charset=utf-8") }
            return Response(status: status, headers: headers, body: Data(text.utf8))
        }
    }
}
