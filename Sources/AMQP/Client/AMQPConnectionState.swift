/// Where a connection is in its life.
public enum AMQPConnectionState: Sendable, Hashable {
    /// `connect()` was not called yet.
    case idle
    /// The first connection is being made.
    case connecting
    /// Up; `generation` counts the connections made so far (1 for the first).
    case connected(generation: UInt64)
    /// Down, trying again; `attempt` is the next attempt's number.
    case reconnecting(attempt: Int)
    /// Closed for good (by the application, a failed first connect, or reconnects exhausted).
    case closed
}
