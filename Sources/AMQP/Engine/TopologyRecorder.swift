/// The exchanges, queues and bindings declared through a connection, in declaration order, so
/// a reconnect can declare them again before consumers resume.
///
/// Redeclaring an entity keeps its first position (a queue stays before its bindings); deleting
/// one forgets it and its bindings. A pure value owned by the connection thread.
struct TopologyRecorder {
    private(set) var entries: [TopologyEntry] = []

    init() {}

    /// Remembers a successful (non-passive) declaration.
    mutating func record(_ entry: TopologyEntry) {
        if let index = entries.firstIndex(where: { Self.sameEntity($0, entry) }) {
            entries[index] = entry
        } else {
            entries.append(entry)
        }
    }

    /// Forgets an exchange and every binding to or from it.
    mutating func exchangeDeleted(_ name: String) {
        entries.removeAll { entry in
            switch entry {
            case .exchange(let n, _, _, _, _, _): n == name
            case .queueBinding(_, let exchange, _, _): exchange == name
            case .exchangeBinding(let destination, let source, _, _): destination == name || source == name
            case .queue: false
            }
        }
    }

    /// Forgets a queue and its bindings.
    mutating func queueDeleted(_ name: String) {
        entries.removeAll { entry in
            switch entry {
            case .queue(let n, _, _, _, _, _): n == name
            case .queueBinding(let queue, _, _, _): queue == name
            default: false
            }
        }
    }

    /// Forgets one binding (after an unbind).
    mutating func unbound(_ binding: TopologyEntry) {
        entries.removeAll { $0 == binding }
    }

    /// A server-named queue came back under a new name: its entry and bindings follow it.
    mutating func renameQueue(from old: String, to new: String) {
        entries = entries.map { entry in
            switch entry {
            case .queue(old, let durable, let exclusive, let autoDelete, let arguments, let serverNamed):
                .queue(name: new, durable: durable, exclusive: exclusive, autoDelete: autoDelete, arguments: arguments, serverNamed: serverNamed)
            case .queueBinding(old, let exchange, let key, let arguments):
                .queueBinding(queue: new, exchange: exchange, routingKey: key, arguments: arguments)
            default:
                entry
            }
        }
    }

    private static func sameEntity(_ a: TopologyEntry, _ b: TopologyEntry) -> Bool {
        switch (a, b) {
        case (.exchange(let x, _, _, _, _, _), .exchange(let y, _, _, _, _, _)): x == y
        case (.queue(let x, _, _, _, _, _), .queue(let y, _, _, _, _, _)): x == y
        default: a == b
        }
    }
}
