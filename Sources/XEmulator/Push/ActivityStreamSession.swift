import Hummingbird
import NIOCore
import ServiceLifecycle
import Synchronization

/// One open connection of `GET /2/activity/stream`: the lines waiting for it, its keep-alives,
/// and the way to close it (a `drop` from the control API closes the TCP connection itself).
final class ActivityStreamSession: Sendable {
    private enum Chunk: Sendable {
        case line([UInt8])
        case keepAlive
    }

    let id: Int
    private let hub: PushHub
    private let keepAlive: Duration
    private let chunks: AsyncStream<Chunk>
    private let continuation: AsyncStream<Chunk>.Continuation
    private let closer = Mutex<(@Sendable () -> Void)?>(nil)

    init(id: Int, hub: PushHub, keepAlive: Duration) {
        self.id = id
        self.hub = hub
        self.keepAlive = keepAlive
        (chunks, continuation) = AsyncStream.makeStream(of: Chunk.self)
    }

    /// Queues one envelope (sent with `\r\n` after it).
    func send(_ line: [UInt8]) {
        continuation.yield(.line(line))
    }

    /// How to close the connection itself; set once the response starts.
    func onDrop(_ close: @escaping @Sendable () -> Void) {
        closer.withLock { $0 = close }
    }

    /// Ends the response after what is queued and frees the connection slot at once.
    func finish() {
        continuation.finish()
        hub.release(self)
    }

    /// Closes the connection without ending the chunked body: the client sees it drop.
    func drop() {
        let close = closer.withLock { $0 }
        close?()
        finish()
    }

    /// Writes the lines as they come, and a keep-alive after each `keepAlive` of real time,
    /// until `finish`, a drop, the client leaving, or a graceful shutdown of the server. While
    /// the hub stalls the stream nothing is written, keep-alives included.
    func run(writer: inout any ResponseBodyWriter) async throws {
        let ticker = Task { [keepAlive, continuation, hub] in
            while !Task.isCancelled {
                try? await Task.sleep(for: keepAlive)
                if Task.isCancelled { return }
                if !hub.isStalled { continuation.yield(.keepAlive) }
            }
        }
        defer {
            ticker.cancel()
            finish()
        }
        try await withGracefulShutdownHandler {
            for await chunk in chunks {
                await hub.waitWhileStalled()
                switch chunk {
                case .line(let bytes):
                    var buffer = ByteBuffer(bytes: bytes)
                    buffer.writeString("\r\n")
                    try await writer.write(buffer)
                    hub.count(keepAlive: false)
                case .keepAlive:
                    if hub.isStalled { continue }
                    try await writer.write(ByteBuffer(string: "\r\n"))
                    hub.count(keepAlive: true)
                }
            }
        } onGracefulShutdown: {
            self.finish()
        }
        try await writer.finish(nil)
    }
}
