import CurlHTTP
import Foundation

/// A small real HTTP/1.1 server on 127.0.0.1 for tests: the thing an HTTP client is tested against.
///
/// It listens on a free port, accepts connections on a thread of its own and serves each
/// connection on another (blocking POSIX sockets; never on Swift's cooperative pool). It keeps
/// connections alive (HTTP/1.1 rules), reads request bodies framed by `Content-Length` or
/// chunked, answers `Expect: 100-continue`, and sends what `handler` returns for each request:
/// a response (`Content-Length` or chunked, identity, gzip or deflate), a delayed one, silence, or
/// a closed connection. Bytes that are not HTTP (a TLS handshake) get a 400 and a close.
/// It counts accepted connections, so tests can check connection reuse.
///
/// ```swift
/// let server = try LoopbackHTTPServer { request in .respond(.text("hello \(request.path)")) }
/// defer { server.stop() }
/// let url = server.url("/greeting")   // http://127.0.0.1:PORT/greeting
/// ```
///
/// The handler runs on the connection's thread, concurrently for different connections.
public final class LoopbackHTTPServer: Sendable {
    /// Decides the reply to each request; called on the connection's thread.
    public typealias Handler = @Sendable (Request) -> Reply

    /// The port the server listens on, on 127.0.0.1.
    public var port: Int { core.port }
    private let core: LoopbackHTTPServerCore

    /// Starts listening at once; the server runs until `stop()` or until it is deinitialised.
    public init(handler: @escaping Handler) throws {
        core = try LoopbackHTTPServerCore(handler: handler)
    }

    deinit { core.stop() }

    /// `http://127.0.0.1:PORT`.
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// `baseURL` followed by `pathAndQuery`, which starts with `/`.
    public func url(_ pathAndQuery: String = "/") -> String { baseURL + pathAndQuery }

    /// Connections accepted since start: 1,000 requests over one reused connection count 1.
    public var acceptedConnections: Int { core.acceptedConnections }

    /// Connections open right now (accepted and not yet closed by either side).
    public var openConnections: Int { core.openConnections }

    /// Requests read so far, whatever the reply.
    public var requestsReceived: Int { core.requestsReceived }

    /// Stops accepting, closes every connection (a client waiting on one sees it drop) and lets the
    /// server's threads end. Idempotent; returns without waiting for the threads.
    public func stop() { core.stop() }

    /// A port on 127.0.0.1 that nothing listens on right now: connecting to it is refused.
    public static func unusedPort() throws -> Int {
        let (fd, port) = try LoopbackSocket.bindLoopback(listenBacklog: nil)
        LoopbackSocket.close(fd)
        return port
    }
}
