import AMQP
import Synchronization

/// Records a connection's events as they happen, for tests that wait on them.
final class EventLog: Sendable {
    private final class Storage: Sendable {
        let events = Mutex<[AMQPConnectionEvent]>([])
    }

    private let storage = Storage()
    private let task: Task<Void, Never>

    init(_ connection: AMQPConnection) {
        let stream = connection.events()
        let storage = self.storage
        task = Task {
            for await event in stream { storage.events.withLock { $0.append(event) } }
        }
    }

    deinit { task.cancel() }

    var disconnects: Int { storage.events.withLock { $0.filter { if case .disconnected = $0 { true } else { false } }.count } }
    var reconnectsScheduled: Int { storage.events.withLock { $0.filter { if case .reconnectScheduled = $0 { true } else { false } }.count } }
    /// The node of each reconnect, in order.
    var reconnectedNodes: [AMQPNode] { storage.events.withLock { $0.compactMap { if case .reconnected(_, let node) = $0 { node } else { nil } } } }
    var reconnects: Int { storage.events.withLock { $0.filter { if case .reconnected = $0 { true } else { false } }.count } }
}
