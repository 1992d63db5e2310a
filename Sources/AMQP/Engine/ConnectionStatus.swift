/// What any thread may read about a connection without asking its thread.
struct ConnectionStatus: Sendable {
    var state: AMQPConnectionState = .idle
    var blockedReason: String?
    /// The node of the current (or last) connection; nil before the first.
    var node: AMQPNode?
}
