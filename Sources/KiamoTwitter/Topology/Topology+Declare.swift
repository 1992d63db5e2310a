import AMQP

extension Topology {
    /// Declares what `role` declares (`declarations(for:)`; the admin: everything) on `channel`,
    /// idempotently: an existing one with the same arguments is left alone. The connection records them and declares them again
    /// after a reconnect. A queue that exists with other arguments closes the channel with
    /// PRECONDITION_FAILED, which `AMQPError.channelClosed` reports with the broker's text.
    public func declare(on channel: AMQPChannel, as role: Role = .admin) async throws {
        let (exchanges, queues, bindings) = declarations(for: role)
        for exchange in exchanges {
            try await channel.exchangeDeclare(exchange.name, type: AMQPExchangeType(rawValue: exchange.type), durable: true)
        }
        for queue in queues {
            _ = try await channel.queueDeclare(queue.name, durable: true, arguments: Self.table(queue.arguments))
        }
        for binding in bindings {
            try await channel.queueBind(
                queue: binding.queue, exchange: binding.exchange, routingKey: binding.routingKey,
                arguments: Self.table(binding.arguments))
        }
    }

    static func table(_ arguments: [String: Argument]) -> AMQPTable {
        AMQPTable(
            arguments.map { key, value in
                switch value {
                case .string(let text): (key, AMQPValue.string(text))
                case .integer(let number): (key, AMQPValue.int64(number))
                }
            })
    }
}
