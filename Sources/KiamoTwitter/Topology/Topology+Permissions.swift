extension Topology {
    /// A broker user's rights on the virtual host, as RabbitMQ checks them: `configure` to declare
    /// (a non-passive declare of an existing queue or exchange too), `write` to publish to an
    /// exchange, to bind a queue, and on the dead-letter exchange of a queue one declares; `read`
    /// to consume or get from a queue, on the source exchange of a binding, and on a queue one
    /// declares with a dead-letter exchange. Topic permissions narrow `write` (publish) and `read`
    /// (bind) on a topic exchange to routing keys.
    public struct Permissions: Sendable, Hashable {
        public let configure: String
        public let write: String
        public let read: String
        public let topics: [TopicPermission]
        public let tags: [String]
    }

    public struct TopicPermission: Sendable, Hashable {
        public let exchange: String
        public let write: String
        public let read: String
    }

    /// The least rights of `role` (see `Role`), derived from the names of this topology.
    public func permissions(for role: Role) -> Permissions {
        let nothing = "^$"
        let retryQueues = retryDelays.map(retryQueue)
        switch role {
        case .admin:
            return Permissions(configure: ".*", write: ".*", read: ".*", topics: [], tags: ["administrator"])
        case .kiamo:
            return Permissions(
                configure: nothing, write: Self.anyOf([exchange]), read: Self.anyOf([inboundQueue]),
                topics: [TopicPermission(exchange: exchange, write: "^send\\.[^.]+$", read: nothing)],
                tags: [])
        case .ingest:
            let declared = declarations(for: .ingest)
            return Permissions(
                configure: Self.anyOf(declared.exchanges.map(\.name) + declared.queues.map(\.name)),
                write: Self.anyOf([exchange, deadLetterExchange, inboundQueue, inboundDeadQueue]),
                read: Self.anyOf([exchange, deadLetterExchange, inboundQueue]),
                topics: [
                    TopicPermission(exchange: exchange, write: "^inbound\\.", read: "^inbound\\."),
                    TopicPermission(exchange: deadLetterExchange, write: nothing, read: "^inbound\\."),
                ],
                tags: [])
        case .dispatch:
            let declared = declarations(for: .dispatch)
            return Permissions(
                configure: Self.anyOf(declared.exchanges.map(\.name) + declared.queues.map(\.name)),
                write: Self.anyOf([exchange, retryExchange, deadLetterExchange, sendQueue, reportsQueue, sendDeadQueue] + retryQueues),
                read: Self.anyOf([exchange, retryExchange, deadLetterExchange, sendQueue] + retryQueues),
                topics: [
                    TopicPermission(exchange: exchange, write: "^report\\.", read: "^(send|report)\\."),
                    TopicPermission(exchange: deadLetterExchange, write: "^send\\.", read: "^send\\."),
                ],
                tags: [])
        }
    }

    /// `^(a|b)$` with every name taken literally.
    static func anyOf(_ names: [String]) -> String {
        guard !names.isEmpty else { return "^$" }
        let special = Set("\\^$.|?*+()[]{}")
        let escaped = names.map { name in
            String(name.flatMap { special.contains($0) ? ["\\", $0] : [$0] })
        }
        return "^(" + escaped.joined(separator: "|") + ")$"
    }
}
