import struct Foundation.Data

/// A complete response: the final status line after any redirects the client followed, its header
/// fields, and the decoded body (gzip/deflate already inflated).
public struct HTTPResponse: Sendable {
    /// The final status code, e.g. 200 or 429.
    public var status: Int
    /// The final response's fields (trailers after a chunked body included). `Content-Encoding`
    /// and `Content-Length` are the server's, describing the body before decoding.
    public var headers: HTTPHeaders
    /// The body, decoded.
    public var body: Data

    /// A response; tests and fakes build them too.
    public init(status: Int, headers: HTTPHeaders = [:], body: Data = Data()) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The body as UTF-8 text, with invalid sequences replaced.
    public var bodyText: String { String(decoding: body, as: UTF8.self) }
}
