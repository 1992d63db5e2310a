import Foundation

/// Who a command that failed validation belongs to, as far as it can be told: the id its
/// `failed` report carries as `commandId` and the account its dead letter and report are routed
/// under. Pure.
public struct CommandIdentity: Sendable, Hashable {
    /// The body's `id` when the body is a JSON object with a string `id`, else the AMQP
    /// `message_id`, else `unidentified-<uuid>` (a new one for every delivery).
    public var commandId: String
    /// A configured account the command names (body `accountId`, else routing key
    /// `send.<account>`, else the only account); nil when none of them is configured.
    public var accountId: String?

    /// An identity from its parts.
    public init(commandId: String, accountId: String?) {
        self.commandId = commandId
        self.accountId = accountId
    }

    /// The best identity of `body` arriving with `routingKey` and `messageId`, among `accounts`.
    public static func of(body: Data, routingKey: String, messageId: String?, accounts: Set<String>) -> CommandIdentity {
        var object: [String: Any]?
        if body.count <= 1_048_576, String(validating: body, as: UTF8.self) != nil {
            object = (try? JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed])) as? [String: Any]
        }
        var commandId = "unidentified-\(UUID().uuidString.lowercased())"
        if let id = object?["id"] as? String, !id.isEmpty, id.count <= 200 {
            commandId = id
        } else if let messageId, !messageId.isEmpty, messageId.count <= 200 {
            commandId = messageId
        }
        let routed = WireContract.RoutingKey.sendAccount(routingKey)
        let candidates = [object?["accountId"] as? String, routed, accounts.count == 1 ? accounts.first : nil]
        let accountId = candidates.compactMap { $0 }.first { accounts.contains($0) }
        return CommandIdentity(commandId: commandId, accountId: accountId)
    }
}
