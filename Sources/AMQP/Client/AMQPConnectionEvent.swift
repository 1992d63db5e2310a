/// Something that happened to a connection, for logs and metrics (`AMQPConnection.events()`).
public enum AMQPConnectionEvent: Sendable {
    /// Connection number `generation` is up (1 for the first connect), to `node`.
    case connected(generation: UInt64, node: AMQPNode)
    /// The connection dropped; every unconfirmed publish failed with this error.
    case disconnected(AMQPError)
    /// The next attempt starts after `delay`.
    case reconnectScheduled(attempt: Int, delay: Duration)
    /// Back up, on `node` (the next node of the list that answered): channels reopened, topology
    /// declared again, consumers resumed.
    case reconnected(generation: UInt64, node: AMQPNode)
    /// A recorded declaration could not be redone after a reconnect (the broker refused it).
    case topologyRecoveryFailed(entity: String, error: AMQPError)
    /// The broker stopped accepting publishes (resource alarm); publishes wait.
    case blocked(reason: String)
    /// Publishing resumed.
    case unblocked
    /// Closed for good: nil when the application closed it.
    case closed(AMQPError?)
}

extension AMQPConnectionEvent: CustomStringConvertible {
    /// A sentence for logs and `/readyz`, never Swift's `reconnectScheduled(attempt: 6, ...)`.
    public var description: String {
        switch self {
        case .connected(let generation, let node):
            generation == 1 ? "connected to \(node)" : "connected to \(node) (connection \(generation))"
        case .disconnected(let error):
            "connection lost: \(error)"
        case .reconnectScheduled(let attempt, let delay):
            "reconnecting in \(Self.seconds(delay)) (attempt \(attempt))"
        case .reconnected(let generation, let node):
            "reconnected to \(node) (connection \(generation) since start)"
        case .topologyRecoveryFailed(let entity, let error):
            "could not declare \(entity) again after reconnecting: \(error)"
        case .blocked(let reason):
            "the broker blocks publishing (\(reason)); publishes wait"
        case .unblocked:
            "the broker accepts publishes again"
        case .closed(let error):
            error.map { "closed for good: \($0)" } ?? "closed"
        }
    }

    /// `0.1 s`, `3.3 s`, `30 s`: a wait as a person reads it (`Duration`'s own text is
    /// `3.313 seconds` at best, `3.3134 seconds` or worse at worst).
    public static func seconds(_ duration: Duration) -> String {
        let value = duration.seconds
        if value >= 10 { return "\(Int(value.rounded())) s" }
        return "\((value * 10).rounded() / 10) s"
    }
}
