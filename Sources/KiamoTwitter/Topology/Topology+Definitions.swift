import Foundation

extension Topology {
    /// The topology as RabbitMQ definitions (the format `rabbitmqctl import_definitions` and
    /// `definitions.local.path` read): what `compose/rabbitmq/definitions.json` ships, so a broker
    /// started by compose has every exchange, queue and binding before a worker connects.
    /// Users and permissions are left out: they come from the broker's own configuration.
    public func rabbitMQDefinitions(vhost: String = "/") throws -> Data {
        func arguments(_ values: [String: Argument]) -> [String: Any] {
            values.mapValues { value -> Any in
                switch value {
                case .string(let text): text
                case .integer(let number): number
                }
            }
        }
        let document: [String: Any] = [
            "vhosts": [["name": vhost]],
            "exchanges": exchanges.map { exchange -> [String: Any] in
                ["name": exchange.name, "vhost": vhost, "type": exchange.type, "durable": true, "auto_delete": false,
                 "internal": false, "arguments": [String: Any]()]
            },
            "queues": queues.map { queue -> [String: Any] in
                ["name": queue.name, "vhost": vhost, "durable": true, "auto_delete": false, "arguments": arguments(queue.arguments)]
            },
            "bindings": bindings.map { binding -> [String: Any] in
                ["source": binding.exchange, "vhost": vhost, "destination": binding.queue, "destination_type": "queue",
                 "routing_key": binding.routingKey, "arguments": arguments(binding.arguments)]
            },
        ]
        var data = try JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        data.append(contentsOf: Array("\n".utf8))
        return data
    }
}
