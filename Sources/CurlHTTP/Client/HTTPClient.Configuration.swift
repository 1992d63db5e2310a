extension HTTPClient {
    /// How an `HTTPClient` connects and what it allows; fixed for the client's lifetime.
    ///
    /// The defaults suit an API client: TLS verified against the system CA store, proxies from the
    /// environment, redirects not followed, keep-alive connections reused per host.
    public struct Configuration: Sendable {
        /// Time allowed to establish a connection (name resolution, TCP and TLS handshakes) when the
        /// request does not set its own.
        public var connectTimeout: Duration = .seconds(10)
        /// Time allowed for a whole exchange, connection included, when the request does not set its own.
        public var timeout: Duration = .seconds(30)
        /// Largest response body accepted, in bytes after gzip/deflate decoding; a larger one fails
        /// with `HTTPClientError.tooLarge` as soon as it crosses the limit.
        public var maxResponseSize: Int = 16 * 1024 * 1024
        /// `User-Agent` sent with every request that does not set its own.
        public var userAgent: String = "kiamo-twitter"
        /// Most connections open at once to one host; further requests to that host wait in
        /// libcurl's queue for a free connection (HTTP/2 multiplexes them over one connection).
        public var maxConnectionsPerHost: Int = 16
        /// Most idle keep-alive connections the client keeps for reuse, all hosts together.
        public var maxIdleConnections: Int = 64
        /// How many redirects to follow (http and https only); 0, the default, returns a 3xx
        /// response as it is.
        public var maxRedirects: Int = 0
        /// Which proxy to use; by default the standard environment variables decide.
        public var proxy: ProxySetting = .environment
        /// A PEM file of CA certificates to trust instead of the system store; `nil` (the default)
        /// uses the system store. Peer and host name verification stay on either way.
        public var caBundlePath: String? = nil
        /// Logs libcurl's informational lines (connecting, reusing a connection, TLS version) at
        /// debug level. Header and body bytes are never logged, so no secret reaches the log.
        public var verbose: Bool = false

        /// The defaults described on each property.
        public init() {}

        /// Why this configuration cannot be used, or `nil` when it can.
        var problem: String? {
            if connectTimeout <= .zero { return "connectTimeout must be positive (got \(connectTimeout))" }
            if timeout <= .zero { return "timeout must be positive (got \(timeout))" }
            if maxResponseSize <= 0 { return "maxResponseSize must be positive (got \(maxResponseSize))" }
            if maxConnectionsPerHost <= 0 { return "maxConnectionsPerHost must be positive (got \(maxConnectionsPerHost))" }
            if maxIdleConnections <= 0 { return "maxIdleConnections must be positive (got \(maxIdleConnections))" }
            if maxRedirects < 0 { return "maxRedirects must not be negative (got \(maxRedirects))" }
            if userAgent.contains(where: \.isNewline) { return "userAgent must be one line" }
            if case .url(let url) = proxy, url.isEmpty || url.contains(where: { $0.isWhitespace }) {
                return "proxy URL must be non-empty and without spaces"
            }
            return nil
        }
    }
}
