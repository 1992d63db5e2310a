extension Topology {
    /// Length and age bounds of the queues no program consumes in a default deployment: the
    /// delivery reports and the two dead-letter queues. Unbounded, they grow until RabbitMQ's disk
    /// alarm blocks every publisher, ingest included.
    ///
    /// Every bound drops the oldest message (`drop-head`), none refuses the newest
    /// (`reject-publish`): dispatch publishes reports and dead letters with confirms, and a refused
    /// one would leave its command unacknowledged and redelivered for ever; the connector sets a
    /// message aside by rejecting it, and a full queue would then silently drop the newest one.
    /// The oldest report is the stalest, and every dead letter already had its `failed` report.
    public struct QueueBounds: Sendable, Hashable {
        public var reportsMaxLength: Int
        public var reportsMaxAge: Duration
        public var deadLettersMaxLength: Int
        public var deadLettersMaxAge: Duration

        public init(
            reportsMaxLength: Int = 100_000, reportsMaxAge: Duration = .seconds(7 * 86_400),
            deadLettersMaxLength: Int = 100_000, deadLettersMaxAge: Duration = .seconds(14 * 86_400)
        ) {
            self.reportsMaxLength = reportsMaxLength
            self.reportsMaxAge = reportsMaxAge
            self.deadLettersMaxLength = deadLettersMaxLength
            self.deadLettersMaxAge = deadLettersMaxAge
        }
    }

    /// A RabbitMQ policy: `definition` applies to the queues whose name matches `pattern`.
    public struct Policy: Sendable, Hashable {
        public let name: String
        public let pattern: String
        public let definition: [String: Argument]
        /// Of the policies matching a queue, RabbitMQ applies only the one of highest priority.
        public let priority: Int
    }

    /// The bounds as policies, not queue arguments: a queue's arguments cannot change once it
    /// exists (a declaration with other ones fails with PRECONDITION_FAILED, and the worker with
    /// it), whereas a policy changes with one `rabbitmqctl set_policy`, on the queue as it is.
    public var policies: [Policy] {
        func definition(_ length: Int, _ age: Duration) -> [String: Argument] {
            ["max-length": .integer(Int64(length)), "message-ttl": .integer(Self.milliseconds(age)), "overflow": .string("drop-head")]
        }
        return [
            Policy(
                name: "\(exchange).reports", pattern: Self.anyOf([reportsQueue]),
                definition: definition(bounds.reportsMaxLength, bounds.reportsMaxAge), priority: 10),
            Policy(
                name: "\(exchange).dead-letters", pattern: Self.anyOf([sendDeadQueue, inboundDeadQueue]),
                definition: definition(bounds.deadLettersMaxLength, bounds.deadLettersMaxAge), priority: 10),
        ]
    }

    /// The commands that apply `policies` to a broker (an operator step: AMQP cannot set a
    /// policy); `kiamo-twitter setup` prints them.
    public func policyCommands(vhost: String = "/") -> [String] {
        policies.map { policy -> String in
            let definition = policy.definition.sorted { $0.key < $1.key }.map { key, value -> String in
                switch value {
                case .string(let text): "\"\(key)\":\"\(text)\""
                case .integer(let number): "\"\(key)\":\(number)"
                }
            }.joined(separator: ",")
            return "rabbitmqctl set_policy -p '\(vhost)' --apply-to queues --priority \(policy.priority) "
                + "'\(policy.name)' '\(policy.pattern)' '{\(definition)}'"
        }
    }

    static func milliseconds(_ duration: Duration) -> Int64 {
        duration.wholeMilliseconds
    }
}
