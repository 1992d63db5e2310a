import CurlHTTP
import Foundation
import Synchronization

/// The threads and shared state behind `LoopbackHTTPServer`. Its threads hold this object, not the
/// server, so dropping the server stops them.
final class LoopbackHTTPServerCore: Sendable {
    typealias Request = LoopbackHTTPServer.Request
    typealias Response = LoopbackHTTPServer.Response

    let port: Int
    private let listener: Int32
    private let handler: LoopbackHTTPServer.Handler
    private let state = Mutex(State())

    private struct State {
        var stopping = false
        var listenerClosed = false
        var openConnections: Set<Int32> = []
        var acceptedConnections = 0
        var requestsReceived = 0
    }

    init(handler: @escaping LoopbackHTTPServer.Handler) throws {
        (listener, port) = try LoopbackSocket.bindLoopback(listenBacklog: 256)
        self.handler = handler
        let thread = Thread { [self] in acceptLoop() }
        thread.name = "loopback-http-accept"
        thread.start()
    }

    var acceptedConnections: Int { state.withLock { $0.acceptedConnections } }
    var openConnections: Int { state.withLock { $0.openConnections.count } }
    var requestsReceived: Int { state.withLock { $0.requestsReceived } }

    func stop() {
        state.withLock { state in
            guard !state.stopping else { return }
            state.stopping = true
            if !state.listenerClosed { LoopbackSocket.shutdownBoth(listener) }
            for connection in state.openConnections { LoopbackSocket.shutdownBoth(connection) }
        }
    }

    // MARK: Threads

    private func acceptLoop() {
        while let connection = LoopbackSocket.accept(listener) {
            let number: Int? = state.withLock { state in
                guard !state.stopping else { return nil }
                state.acceptedConnections += 1
                state.openConnections.insert(connection)
                return state.acceptedConnections
            }
            guard let number else {
                LoopbackSocket.close(connection)
                break
            }
            let thread = Thread { [self] in serve(connection, number: number) }
            thread.name = "loopback-http-\(number)"
            thread.start()
        }
        state.withLock { state in
            state.listenerClosed = true
            LoopbackSocket.close(listener)
        }
    }

    private func serve(_ connection: Int32, number: Int) {
        defer {
            // Forget the descriptor under the lock before closing it, so `stop()` never shuts
            // down a number the system has already given to another socket.
            state.withLock { _ = $0.openConnections.remove(connection) }
            LoopbackSocket.close(connection)
        }
        var reader = HTTPWireReader(fd: connection, connectionNumber: number)
        while true {
            switch reader.next() {
            case .closed:
                return
            case .malformed:
                let response = Response.text("bad request: not HTTP/1.1\n", status: 400)
                LoopbackSocket.write(connection, Self.encode(response, method: "GET", keepAlive: false))
                return
            case .request(let request, let keepAlive):
                state.withLock { $0.requestsReceived += 1 }
                switch handler(request) {
                case .respond(let response):
                    guard LoopbackSocket.write(connection, Self.encode(response, method: request.method, keepAlive: keepAlive)),
                        keepAlive, !response.framing.endsConnection
                    else { return }
                case .respondAfter(let delay, let response):
                    Thread.sleep(forTimeInterval: Double(delay.components.seconds) + Double(delay.components.attoseconds) / 1e18)
                    guard LoopbackSocket.write(connection, Self.encode(response, method: request.method, keepAlive: keepAlive)),
                        keepAlive, !response.framing.endsConnection
                    else { return }
                case .neverAnswer:
                    // Hold the connection until the client gives up (or the server stops).
                    var discarded: [UInt8] = []
                    while LoopbackSocket.read(connection, into: &discarded) { discarded.removeAll(keepingCapacity: true) }
                    return
                case .closeWithoutReply:
                    return
                case .stream(let pieces, let hold):
                    let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                    guard LoopbackSocket.write(connection, Array(head.utf8)) else { return }
                    for piece in pieces {
                        Thread.sleep(forTimeInterval: Double(piece.after.components.seconds) + Double(piece.after.components.attoseconds) / 1e18)
                        let chunk = Array("\(String(piece.bytes.count, radix: 16))\r\n".utf8) + Array(piece.bytes) + [13, 10]
                        guard LoopbackSocket.write(connection, chunk) else { return }
                    }
                    if hold {
                        var discarded: [UInt8] = []
                        while LoopbackSocket.read(connection, into: &discarded) { discarded.removeAll(keepingCapacity: true) }
                    } else {
                        LoopbackSocket.write(connection, Array("0\r\n\r\n".utf8))
                    }
                    return
                }
            }
        }
    }

    /// The bytes of `response` on the wire.
    static func encode(_ response: Response, method: String, keepAlive: Bool) -> [UInt8] {
        var headers = response.headers
        for name in ["Content-Length", "Transfer-Encoding", "Content-Encoding", "Connection"] { headers.remove(name: name) }
        let body: Data
        switch response.coding {
        case .identity:
            body = response.body
        case .gzip:
            body = StoredDeflateEncoder.gzip(response.body)
            headers.add(name: "Content-Encoding", value: "gzip")
        case .deflate:
            body = StoredDeflateEncoder.zlib(response.body)
            headers.add(name: "Content-Encoding", value: "deflate")
        }
        let bodyless = method == "HEAD" || response.status == 204 || response.status == 304 || (100..<200).contains(response.status)
        var payload: [UInt8] = []
        switch response.framing {
        case .contentLength:
            if response.status != 204 && response.status != 304 { headers.add(name: "Content-Length", value: "\(body.count)") }
            if !bodyless { payload = Array(body) }
        case .claimedLength(let declared):
            headers.add(name: "Content-Length", value: "\(declared)")
            if !bodyless { payload = Array(body) }
        case .chunked(let chunkSize):
            headers.add(name: "Transfer-Encoding", value: "chunked")
            if !bodyless {
                let bytes = Array(body)
                var offset = 0
                while offset < bytes.count {
                    let count = min(max(chunkSize, 1), bytes.count - offset)
                    payload += Array("\(String(count, radix: 16))\r\n".utf8) + bytes[offset..<offset + count] + [13, 10]
                    offset += count
                }
                payload += Array("0\r\n\r\n".utf8)
            }
        }
        if !keepAlive || response.framing.endsConnection { headers.add(name: "Connection", value: "close") }

        var head = "HTTP/1.1 \(response.status) \(reasonPhrase(response.status))\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        head += "\r\n"
        return Array(head.utf8) + payload
    }

    private static func reasonPhrase(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 201: "Created"
        case 204: "No Content"
        case 301: "Moved Permanently"
        case 302: "Found"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 429: "Too Many Requests"
        case 500: "Internal Server Error"
        case 503: "Service Unavailable"
        default: "Status"
        }
    }
}
