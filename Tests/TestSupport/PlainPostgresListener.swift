import Foundation
import Synchronization

/// A loopback listener that answers as a PostgreSQL server without TLS does: `N` to the client's
/// SSLRequest, then closes. The test server (`scripts/test-postgres`) has TLS on, and the client's
/// handling of that one byte is what `sslmode=verify-full` against a server without TLS is about.
/// Its accept loop runs on a thread of its own, never on Swift's cooperative pool.
public final class PlainPostgresListener: Sendable {
    public let port: Int
    private let fd: Int32
    private let stopped = Mutex(false)

    public init() throws {
        let (fd, port) = try LoopbackSocket.bindLoopback(listenBacklog: 16)
        self.fd = fd
        self.port = port
        let thread = Thread { [fd] in
            while let client = LoopbackSocket.accept(fd) {
                var request: [UInt8] = []
                while request.count < 8, LoopbackSocket.read(client, into: &request) {}
                // SSLRequest: length 8, code 80877103 (0x04D2162F).
                if request.count >= 8, Array(request[4..<8]) == [0x04, 0xD2, 0x16, 0x2F] {
                    LoopbackSocket.write(client, Array("N".utf8))
                }
                LoopbackSocket.shutdownBoth(client)
                LoopbackSocket.close(client)
            }
        }
        thread.name = "PlainPostgresListener"
        thread.start()
    }

    /// Stops accepting; the thread ends.
    public func stop() {
        let first = stopped.withLock { was in
            defer { was = true }
            return !was
        }
        if first { LoopbackSocket.shutdownBoth(fd) }
    }

    deinit {
        stop()
        LoopbackSocket.close(fd)
    }
}
