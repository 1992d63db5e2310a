/// Which broker node a connection tries next, and what it reports when none answered: the
/// failover rule of a node list, apart from the sockets so it is tested without a network.
///
/// A round tries every node once. The first round starts at the first node; every later round
/// (a reconnect) starts at the node after the one last connected, so a connection the broker
/// lost or closed moves to the next node rather than knocking again at the same door, and a dead
/// node costs one refused connect, not a backoff step. The backoff is between rounds.
struct NodeRotation: Equatable {
    /// How many nodes the list has (at least one).
    let count: Int
    /// Index of the node of the current or last connection; nil before the first.
    private(set) var current: Int?

    init(count: Int) {
        self.count = max(count, 1)
    }

    /// The node indices of the next round, in the order to try.
    func round() -> [Int] {
        let start = current.map { ($0 + 1) % count } ?? 0
        return (0..<count).map { (start + $0) % count }
    }

    /// Records the node a connection was made to: the next round starts after it.
    mutating func connected(to index: Int) {
        current = index
    }

    /// The error of a round in which every node failed. One node: its own error, unchanged.
    /// Several: a refusal of the credentials or the vhost if any node gave one (they are the
    /// cluster's, and no retry fixes them), otherwise the last node's error with the others'
    /// reasons appended, so the person reading it sees every node that was tried.
    static func failure(of failures: [(node: AMQPNode, error: AMQPError)]) -> AMQPError {
        guard let last = failures.last else { return .protocolError("no broker node to connect to") }
        guard failures.count > 1 else { return last.error }
        if let refused = failures.first(where: { isRefusal($0.error) }) { return refused.error }
        let before = failures.dropLast().map { "\($0.node) (\(reason($0.error)))" }.joined(separator: ", ")
        let tried = "; the nodes tried before it failed too: \(before)"
        switch last.error {
        case .connectFailed(let host, let port, let reason):
            return .connectFailed(host: host, port: port, reason: reason + tried)
        case .tlsFailed(let host, let port, let reason):
            return .tlsFailed(host: host, port: port, reason: reason + tried)
        default:
            return last.error
        }
    }

    private static func isRefusal(_ error: AMQPError) -> Bool {
        switch error {
        case .authenticationFailed, .accessRefused: true
        default: false
        }
    }

    private static func reason(_ error: AMQPError) -> String {
        switch error {
        case .connectFailed(_, _, let reason), .tlsFailed(_, _, let reason): reason
        default: "\(error)"
        }
    }
}
