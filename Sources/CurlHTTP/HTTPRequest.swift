import struct Foundation.Data

/// One request: everything the client needs to perform it, and nothing shared between requests.
public struct HTTPRequest: Sendable {
    public var method: HTTPMethod
    /// Absolute `http://` or `https://` URL, query included, already percent-encoded.
    public var url: String
    public var headers: HTTPHeaders
    public var body: Data?
    /// Time allowed for the whole exchange; `nil` uses the client's default.
    public var timeout: Duration?
    /// Time allowed to establish the connection (TCP and TLS); `nil` uses the client's default.
    public var connectTimeout: Duration?

    public init(
        method: HTTPMethod = .get,
        url: String,
        headers: HTTPHeaders = [:],
        body: Data? = nil,
        timeout: Duration? = nil,
        connectTimeout: Duration? = nil
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.connectTimeout = connectTimeout
    }
}
