/// Why a request failed, in terms a person can act on.
///
/// Every case that comes from libcurl carries curl's numeric code (`curlCode`) and curl's own
/// message; `description` adds the endpoint (`host:port`, never the path's query string nor any
/// header) and what to check. Nothing here ever holds a secret.
///
/// Cancellation is not a case: when the task awaiting `HTTPClient.execute` is cancelled, the call
/// throws Swift's `CancellationError`, so `catch is CancellationError` works the same way across
/// modules. Every case below is a failure of the network, the server or the client's set-up.
public enum HTTPClientError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The URL is not an absolute `http://` or `https://` URL with a host; nothing was sent.
    case invalidURL(reason: String)
    /// The request cannot be sent as given (a header or method with forbidden characters);
    /// nothing was sent.
    case invalidRequest(reason: String)
    /// The client was given a configuration it cannot honour; thrown by `HTTPClient.init` only.
    case invalidConfiguration(reason: String)
    /// libcurl could not be initialised (out of memory, or a libcurl built without HTTP).
    case libcurlUnavailable(reason: String)
    /// The host name (or the proxy's, when `proxy` is true) did not resolve.
    case resolve(host: String, proxy: Bool, curlCode: Int, message: String)
    /// No TCP connection could be made to `host:port` (refused, unreachable, reset).
    case connect(host: String, port: Int, curlCode: Int, message: String)
    /// The TLS handshake or the certificate check with `host:port` failed.
    case tls(host: String, port: Int, curlCode: Int, message: String)
    /// The connect timeout (TCP and TLS) or the total timeout passed; `limit` is the one that applied.
    case timeout(TimeoutPhase, host: String, port: Int, limit: Duration, curlCode: Int)
    /// The response body exceeded `limit` bytes (after decoding) and the transfer was aborted.
    case tooLarge(limit: Int)
    /// The connection broke mid-exchange: the server closed or reset it, or sent nothing.
    case connectionLost(host: String, port: Int, curlCode: Int, message: String)
    /// Any other libcurl failure (protocol error, too many redirects, out of memory, ...).
    case transfer(host: String, port: Int, curlCode: Int, message: String)
    /// The client was shut down before the request completed, or `execute` was called after.
    case shutdown

    /// libcurl's error code (`CURLcode`) when libcurl reported the failure, else `nil`.
    public var curlCode: Int? {
        switch self {
        case .resolve(_, _, let code, _), .connect(_, _, let code, _), .tls(_, _, let code, _),
            .timeout(_, _, _, _, let code), .connectionLost(_, _, let code, _), .transfer(_, _, let code, _):
            return code
        case .tooLarge:
            return nil
        case .invalidURL, .invalidRequest, .invalidConfiguration, .libcurlUnavailable, .shutdown:
            return nil
        }
    }

    /// One line: what failed, where (host and port), curl's code and message, and what to check.
    public var description: String {
        switch self {
        case .invalidURL(let reason):
            return "invalid URL: \(reason); give an absolute http:// or https:// URL with a host"
        case .invalidRequest(let reason):
            return "invalid HTTP request: \(reason); nothing was sent"
        case .invalidConfiguration(let reason):
            return "invalid HTTP client configuration: \(reason)"
        case .libcurlUnavailable(let reason):
            return "libcurl is unavailable: \(reason); check the libcurl installation (libcurl4)"
        case .resolve(let host, true, let code, let message):
            return "could not resolve the proxy for \(host): \(message) (curl \(code)); "
                + "check the http_proxy/https_proxy/no_proxy environment variables and DNS"
        case .resolve(let host, false, let code, let message):
            return "could not resolve host \(host): \(message) (curl \(code)); "
                + "check the host name in the URL and the machine's DNS"
        case .connect(let host, let port, let code, let message):
            return "could not connect to \(Self.endpoint(host, port)): \(message) (curl \(code)); "
                + "check the API base URL and that the server runs"
        case .tls(let host, let port, let code, let message):
            return "TLS with \(Self.endpoint(host, port)) failed: \(message) (curl \(code)); "
                + "check that the server speaks HTTPS on that port, with a certificate for that name "
                + "from a trusted CA (the system store unless caBundlePath is set)"
        case .timeout(.connect, let host, let port, let limit, let code):
            return "connecting to \(Self.endpoint(host, port)) timed out after \(limit.humanReadable) "
                + "(curl \(code)); check that the host is reachable (firewall, proxy) or raise connectTimeout"
        case .timeout(.total, let host, let port, let limit, let code):
            return "request to \(Self.endpoint(host, port)) did not complete within \(limit.humanReadable) "
                + "(curl \(code)); the server is slow or not answering; retry later or raise the timeout"
        case .timeout(.stall, let host, let port, let limit, let code):
            return "\(Self.endpoint(host, port)) sent nothing for \(limit.humanReadable) (curl \(code)); the stream stalled: reconnect"
        case .tooLarge(let limit):
            return "response body larger than the limit of \(limit) bytes; the transfer was aborted; "
                + "raise maxResponseSize if such responses are expected"
        case .connectionLost(let host, let port, let code, let message):
            return "connection to \(Self.endpoint(host, port)) was lost: \(message) (curl \(code)); "
                + "the server closed or reset it; retry"
        case .transfer(let host, let port, let code, let message):
            return "HTTP transfer with \(Self.endpoint(host, port)) failed: \(message) (curl \(code))"
        case .shutdown:
            return "the HTTP client was shut down before the request completed"
        }
    }

    /// `host:port`, with an IPv6 literal in brackets as in a URL.
    static func endpoint(_ host: String, _ port: Int) -> String {
        host.contains(":") && !host.hasPrefix("[") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}
