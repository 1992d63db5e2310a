import Foundation
import Logging

/// A connection to a RabbitMQ broker, owned by a dedicated thread (see the module's main file).
///
/// `connect()` makes the first connection and throws a typed error when it cannot (unreachable
/// broker, wrong credentials, TLS refused). Once up, a lost connection is reconnected by the
/// configured policy: unconfirmed publishes fail with `AMQPError.connectionLost`, then channels,
/// recorded topology and consumers are restored. `close()` ends it for good.
public final class AMQPConnection: Sendable {
    /// The configuration it was made with.
    public let configuration: AMQPConfiguration
    let core: ConnectionCore

    /// A connection that is not connected yet; call `connect()`.
    public init(configuration: AMQPConfiguration, logger: Logger = Logger(label: "kiamo.amqp")) throws {
        try configuration.validate()
        self.configuration = configuration
        self.core = try ConnectionCore(configuration: configuration, logger: logger)
    }

    /// A connection to `url` (`amqp://user:pass@host:port/vhost`, or a node list
    /// `amqp://user:pass@rmq1,rmq2:5673/vhost`); throws `AMQPError.invalidURL`.
    public convenience init(url: String, logger: Logger = Logger(label: "kiamo.amqp")) throws {
        try self.init(configuration: AMQPConfiguration(url: url), logger: logger)
    }

    /// The last handle (connection, channel or consumer) went away: close without waiting.
    deinit {
        core.submit(.close(nil))
    }

    /// Makes the first connection on a new connection thread, to the first node of the list that
    /// answers. Returns once logged in; throws the typed reason otherwise (`connectFailed`,
    /// `authenticationFailed`, `accessRefused`, `tlsFailed`; with several nodes, a refusal of the
    /// credentials if any node gave one, else the last node's error naming the others'), within
    /// `connectTimeout` for each of connect and login, per node.
    public func connect() async throws {
        let mayStart = core.status.withLock { status -> Bool in
            switch status.state {
            case .idle, .closed:
                status.state = .connecting
                return true
            default:
                return false
            }
        }
        guard mayStart else {
            throw AMQPError.invalidArgument("connect() was already called on this connection")
        }
        core.inbox.reopen()
        let core = self.core
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let promise = Promise(continuation)
            let thread = Thread {
                ConnectionLoop(core: core).run(first: promise)
            }
            thread.name = "amqp \(core.configuration.host):\(core.configuration.port)"
            thread.start()
        }
    }

    /// Opens a channel in publisher-confirm mode. While the connection is down it waits for the
    /// reconnect, at most `operationTimeout`.
    public func openChannel() async throws -> AMQPChannel {
        let deadline = core.operationDeadline()
        let number = try await withCheckedThrowingContinuation { continuation in
            core.submit(.openChannel(deadline: deadline, Promise(continuation)))
        }
        return AMQPChannel(number: number, connection: self)
    }

    /// Closes the connection for good: new operations fail, publishes already written get up to
    /// `operationTimeout` for their confirms, consumers' streams end normally, then the broker is
    /// told `connection.close` and the thread ends. Idempotent.
    public func close() async {
        _ = try? await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            core.submit(.close(Promise(continuation)))
        }
    }

    /// Where the connection is in its life.
    public var state: AMQPConnectionState {
        core.status.withLock { $0.state }
    }

    /// The broker node of the current connection (or of the last one while reconnecting); nil
    /// before the first connect. With a node list, this tells which node the client moved to.
    public var node: AMQPNode? {
        core.status.withLock { $0.node }
    }

    /// True while the broker blocks publishing (`connection.blocked`, a resource alarm).
    public var isBlocked: Bool {
        core.status.withLock { $0.blockedReason != nil }
    }

    /// A new stream of connection events (connects, losses, reconnects, blocks), from now on.
    /// It keeps the newest 256 events when not read, and ends when the connection closes.
    public func events() -> AsyncStream<AMQPConnectionEvent> {
        core.events.subscribe()
    }
}
