import Foundation

/// A port on 127.0.0.1 where a new TCP connection hangs unanswered: the listener never accepts
/// and its accept queue is already full, so Linux drops the SYNs of further connection attempts.
/// That is how a test makes a connect timeout happen without an outside network.
public final class BackloggedListener: Sendable {
    /// The port that hangs connection attempts.
    public let port: Int
    private let listener: Int32
    private let fillers: [Int32]

    /// Listens with a backlog of 0 and fills the queue with a few connections of its own.
    public init() throws {
        (listener, port) = try LoopbackSocket.bindLoopback(listenBacklog: 0)
        var fillers: [Int32] = []
        do {
            for _ in 0..<4 { fillers.append(try LoopbackSocket.startConnect(port: port)) }
        } catch {
            for fd in fillers { LoopbackSocket.close(fd) }
            LoopbackSocket.close(listener)
            throw error
        }
        self.fillers = fillers
    }

    deinit {
        for fd in fillers { LoopbackSocket.close(fd) }
        LoopbackSocket.close(listener)
    }

    /// `http://127.0.0.1:PORT` followed by `pathAndQuery`.
    public func url(_ pathAndQuery: String = "/") -> String { "http://127.0.0.1:\(port)\(pathAndQuery)" }
}
