import struct Foundation.Data

/// A complete response: the final status line after any redirects the client followed, its header
/// fields, and the decoded body (gzip/deflate already inflated).
public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: HTTPHeaders
    public var body: Data

    public init(status: Int, headers: HTTPHeaders = [:], body: Data = Data()) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The body as UTF-8 text, with invalid sequences replaced.
    public var bodyText: String { String(decoding: body, as: UTF8.self) }
}
