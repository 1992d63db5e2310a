/// Something that happened to a connection, for logs and metrics (`AMQPConnection.events()`).
public enum AMQPConnectionEvent: Sendable {
    /// Connection number `generation` is up (1 for the first connect).
    case connected(generation: UInt64)
    /// The connection dropped; every unconfirmed publish failed with this error.
    case disconnected(AMQPError)
    /// The next attempt starts after `delay`.
    case reconnectScheduled(attempt: Int, delay: Duration)
    /// Back up: channels reopened, topology declared again, consumers resumed.
    case reconnected(generation: UInt64)
    /// A recorded declaration could not be redone after a reconnect (the broker refused it).
    case topologyRecoveryFailed(entity: String, error: AMQPError)
    /// The broker stopped accepting publishes (resource alarm); publishes wait.
    case blocked(reason: String)
    /// Publishing resumed.
    case unblocked
    /// Closed for good: nil when the application closed it.
    case closed(AMQPError?)
}
