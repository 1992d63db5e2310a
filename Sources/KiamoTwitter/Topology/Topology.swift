/// The AMQP topology of kiamo-twitter, as values: exchanges, queues and bindings with their
/// arguments, all derived from the main exchange's name. The workers and `kiamo-twitter setup`
/// declare it (idempotently), and `compose/` ships the same as RabbitMQ definitions.
public struct Topology: Sendable, Hashable {
    /// The main topic exchange (`kiamo.twitter`).
    public let exchange: String
    public let queueType: Configuration.QueueType
    /// Delay tiers of the retry queues.
    public let retryDelays: [Duration]
    /// Bounds of the reports and dead-letter queues, applied as policies (`policies`).
    public let bounds: QueueBounds

    public init(
        exchange: String = "kiamo.twitter", queueType: Configuration.QueueType = .classic,
        retryDelays: [Duration] = [.seconds(1), .seconds(10), .seconds(60), .seconds(600)], bounds: QueueBounds = QueueBounds()
    ) {
        self.exchange = exchange
        self.queueType = queueType
        self.retryDelays = retryDelays.sorted()
        self.bounds = bounds
    }

    public init(_ configuration: Configuration) {
        self.init(
            exchange: configuration.amqp.exchange, queueType: configuration.amqp.queueType,
            retryDelays: configuration.dispatch.retryDelays, bounds: configuration.amqp.bounds)
    }

    // MARK: Names

    public var retryExchange: String { "\(exchange).retry" }
    public var deadLetterExchange: String { "\(exchange).dlx" }
    public var inboundQueue: String { "\(exchange).inbound" }
    public var sendQueue: String { "\(exchange).send" }
    public var reportsQueue: String { "\(exchange).reports" }
    public var sendDeadQueue: String { "\(exchange).send.dead" }
    public var inboundDeadQueue: String { "\(exchange).inbound.dead" }

    /// `<exchange>.send.retry.10s` for the 10 s tier.
    public func retryQueue(_ tier: Duration) -> String { "\(exchange).send.retry.\(DurationText.format(tier))" }

    /// The value of header `x-retry-tier` (`WireContract.Header.retryTier`) that routes a command
    /// to `tier`'s queue.
    public static func retryTierHeader(_ tier: Duration) -> String { DurationText.format(tier) }

    // MARK: Declarations

    private typealias Key = WireContract.RoutingKey

    /// An argument value of a declaration (the subset the topology uses).
    public enum Argument: Sendable, Hashable {
        case string(String)
        case integer(Int64)
    }

    public struct Exchange: Sendable, Hashable {
        public let name: String
        public let type: String
    }

    public struct Queue: Sendable, Hashable {
        public let name: String
        public let arguments: [String: Argument]
    }

    public struct Binding: Sendable, Hashable {
        public let queue: String
        public let exchange: String
        public let routingKey: String
        public let arguments: [String: Argument]
    }

    /// Durable exchanges, in declaration order.
    public var exchanges: [Exchange] {
        [
            Exchange(name: exchange, type: "topic"),
            Exchange(name: retryExchange, type: "headers"),
            Exchange(name: deadLetterExchange, type: "topic"),
        ]
    }

    /// Durable queues, in declaration order.
    public var queues: [Queue] {
        let typed: [String: Argument] = queueType == .quorum ? ["x-queue-type": .string("quorum")] : [:]
        let deadLettered = typed.merging(["x-dead-letter-exchange": .string(deadLetterExchange)]) { $1 }
        var queues = [
            Queue(name: inboundQueue, arguments: deadLettered),
            Queue(name: sendQueue, arguments: deadLettered),
            Queue(name: reportsQueue, arguments: typed),
            Queue(name: sendDeadQueue, arguments: typed),
            Queue(name: inboundDeadQueue, arguments: typed),
        ]
        for tier in retryDelays {
            // A parking place dead-lettered back to the send route on expiry. Dead-lettering is
            // at-most-once by default: a message expiring while its target is unavailable is
            // dropped. Between classic queues on one node the target is always there; a quorum
            // send queue is not while it elects a leader after a broker restart (RabbitMQ logs
            // "leader not known. Command is dropped"), so with quorum queues the retry queues are
            // quorum too and dead-letter at-least-once (RabbitMQ 3.10+, which requires
            // `reject-publish` overflow): a command is removed only once the send queue has it.
            var arguments: [String: Argument] = [
                "x-message-ttl": .integer(Self.milliseconds(tier)),
                "x-dead-letter-exchange": .string(exchange),
            ]
            if queueType == .quorum {
                arguments["x-queue-type"] = .string("quorum")
                arguments["x-dead-letter-strategy"] = .string("at-least-once")
                arguments["x-overflow"] = .string("reject-publish")
            }
            queues.append(Queue(name: retryQueue(tier), arguments: arguments))
        }
        return queues
    }

    public var bindings: [Binding] {
        var bindings = [
            Binding(queue: inboundQueue, exchange: exchange, routingKey: "\(Key.inboundPrefix).*", arguments: [:]),
            Binding(queue: sendQueue, exchange: exchange, routingKey: "\(Key.sendPrefix).*", arguments: [:]),
            Binding(queue: reportsQueue, exchange: exchange, routingKey: "\(Key.reportPrefix).#", arguments: [:]),
            Binding(queue: sendDeadQueue, exchange: deadLetterExchange, routingKey: "\(Key.sendPrefix).#", arguments: [:]),
            Binding(queue: inboundDeadQueue, exchange: deadLetterExchange, routingKey: "\(Key.inboundPrefix).#", arguments: [:]),
        ]
        for tier in retryDelays {
            // `all-with-x`, not `all`: RabbitMQ leaves headers starting with `x-` out of an `all`
            // match, so an `all` binding on `x-retry-tier` would match every message and copy
            // each retry into every tier (RabbitMQ 3.10 and later).
            bindings.append(
                Binding(
                    queue: retryQueue(tier), exchange: retryExchange, routingKey: "",
                    arguments: [
                        "x-match": .string("all-with-x"),
                        WireContract.Header.retryTier: .string(Self.retryTierHeader(tier)),
                    ]))
        }
        return bindings
    }
}
