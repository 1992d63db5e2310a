import struct Foundation.Data

/// One request: everything the client needs to perform it, and nothing shared between requests.
public struct HTTPRequest: Sendable {
    /// GET, POST, ...; POST, PUT and PATCH always send a body (empty when `body` is nil).
    public var method: HTTPMethod
    /// Absolute `http://` or `https://` URL, query included, already percent-encoded.
    public var url: String
    /// Fields sent as given; `User-Agent` defaults to the client's, `Accept-Encoding` lists what
    /// the client decodes, and no `Content-Type` is sent unless given here.
    public var headers: HTTPHeaders
    /// Bytes sent as the body, with a `Content-Length` (chunked if `headers` ask for it); a body
    /// is sent whatever the method.
    public var body: Data?
    /// Time allowed for the whole exchange; `nil` uses the client's default.
    public var timeout: Duration?
    /// Time allowed to establish the connection (TCP and TLS); `nil` uses the client's default.
    public var connectTimeout: Duration?
    /// The largest body accepted (after decoding), in bytes; a larger one fails the request with
    /// `tooLarge` as soon as it crosses the limit. `nil` uses the client's `maxResponseSize`.
    public var maxResponseSize: Int?
    /// Addresses to connect to instead of asking DNS, as libcurl's `CURLOPT_RESOLVE` takes them
    /// (`host:port:address`): a caller that checked where a name points (a worker fetching a URL
    /// given to it, which must not reach an internal service) connects to exactly what it checked,
    /// however the name resolves a moment later. A request with pinned addresses never goes
    /// through a proxy, which would resolve the name itself.
    public var pinnedAddresses: [String]
    /// A long-lived response read as it arrives (a stream of events): each piece of a 2xx body
    /// is handed to this closure on the transfer thread as libcurl delivers it (hand it on at
    /// once: the thread serves every other transfer), and the returned response's body stays
    /// empty. A response of another status is collected as usual, so its error body can be read.
    /// With it, `maxResponseSize` bounds the error body only; `timeout` bounds the whole stream.
    public var receiveBody: (@Sendable (Data) -> Void)?
    /// Ends the transfer with a timeout when less than a byte arrived in this long (a stream
    /// whose keep-alives stopped). libcurl counts it in whole seconds.
    public var stallTimeout: Duration?

    /// A request; only `url` is required (a GET with the client's timeouts).
    public init(
        method: HTTPMethod = .get,
        url: String,
        headers: HTTPHeaders = [:],
        body: Data? = nil,
        timeout: Duration? = nil,
        connectTimeout: Duration? = nil,
        maxResponseSize: Int? = nil,
        pinnedAddresses: [String] = [],
        receiveBody: (@Sendable (Data) -> Void)? = nil,
        stallTimeout: Duration? = nil
    ) {
        self.receiveBody = receiveBody
        self.stallTimeout = stallTimeout
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.connectTimeout = connectTimeout
        self.maxResponseSize = maxResponseSize
        self.pinnedAddresses = pinnedAddresses
    }
}
