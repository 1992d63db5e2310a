import Foundation

extension Topology {
    /// The topology as RabbitMQ definitions (the format `rabbitmqctl import_definitions` and
    /// `definitions.local.path` read): what `compose/rabbitmq/definitions.json` ships, so a broker
    /// started by compose has every exchange, queue and binding before a worker connects.
    /// Users are in `rabbitMQUserTemplate`: their passwords are not known until the broker boots.
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
                [
                    "name": exchange.name, "vhost": vhost, "type": exchange.type, "durable": true, "auto_delete": false,
                    "internal": false, "arguments": [String: Any](),
                ]
            },
            "queues": queues.map { queue -> [String: Any] in
                ["name": queue.name, "vhost": vhost, "durable": true, "auto_delete": false, "arguments": arguments(queue.arguments)]
            },
            "bindings": bindings.map { binding -> [String: Any] in
                [
                    "source": binding.exchange, "vhost": vhost, "destination": binding.queue, "destination_type": "queue",
                    "routing_key": binding.routingKey, "arguments": arguments(binding.arguments),
                ]
            },
            "policies": policies.map { policy -> [String: Any] in
                [
                    "name": policy.name, "vhost": vhost, "pattern": policy.pattern, "apply-to": "queues",
                    "priority": policy.priority, "definition": arguments(policy.definition),
                ]
            },
        ]
        return try Self.json(document)
    }

    /// One broker user per role with its least rights (`permissions(for:)`), as RabbitMQ
    /// definitions with placeholders `{{<role>.user}}` and `{{<role>.passwordHash}}`: what
    /// `compose/rabbitmq/users.template.json` ships. The broker's entrypoint fills them in at boot
    /// from the roles' AMQP URLs (Docker secrets), so no password is ever committed. RabbitMQ
    /// loading definitions at boot creates no default user or vhost: these are the only users.
    public func rabbitMQUserTemplate(vhost: String = "/") throws -> Data {
        let roles = Role.allCases
        let document: [String: Any] = [
            "users": roles.map { role -> [String: Any] in
                [
                    "name": "{{\(role.rawValue).user}}", "password_hash": "{{\(role.rawValue).passwordHash}}",
                    "hashing_algorithm": "rabbit_password_hashing_sha256", "tags": permissions(for: role).tags,
                ]
            },
            "permissions": roles.map { role -> [String: Any] in
                let rights = permissions(for: role)
                return [
                    "user": "{{\(role.rawValue).user}}", "vhost": vhost,
                    "configure": rights.configure, "write": rights.write, "read": rights.read,
                ]
            },
            "topic_permissions": roles.flatMap { role in
                permissions(for: role).topics.map { topic -> [String: Any] in
                    [
                        "user": "{{\(role.rawValue).user}}", "vhost": vhost, "exchange": topic.exchange,
                        "write": topic.write, "read": topic.read,
                    ]
                }
            },
        ]
        return try Self.json(document)
    }

    static func json(_ document: [String: Any]) throws -> Data {
        var data = try JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        data.append(contentsOf: Array("\n".utf8))
        return data
    }
}
