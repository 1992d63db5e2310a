import AMQP
import Foundation

/// Builds what the ingest worker publishes: the AMQP message of a Kiamo message, per the wire
/// contract. Pure, as `DispatchMessages` is (the engine adds the turn's trace context).
/// Persistent and mandatory, so a missing binding fails the publish instead of losing the message.
public struct IngestMessages: Sendable {
    /// Where it goes.
    public let topology: Topology
    /// The account whose DMs these are.
    public let account: String
    /// `app_id` of the messages.
    public let appId: String

    public init(topology: Topology, account: String, appId: String = WireContract.AppID.ingest) {
        self.topology = topology
        self.account = account
        self.appId = appId
    }

    /// `message` as JSON to `inbound.<account>`: `message_id` the DM event id, `timestamp` the
    /// DM's time, type `kiamo.message`, header `x-account-id`.
    public func message(_ message: KiamoMessage) throws -> AMQPMessage {
        let properties = AMQPProperties(
            contentType: WireContract.contentType,
            headers: [WireContract.Header.accountId: .string(account)],
            deliveryMode: .persistent,
            messageId: message.id,
            timestamp: Date(timeIntervalSince1970: Double(message.createdAt)),
            type: WireContract.MessageType.message,
            appId: appId
        )
        return AMQPMessage(
            exchange: topology.exchange, routingKey: WireContract.RoutingKey.inbound(account: account),
            body: try KiamoJSON.encode(message), properties: properties, mandatory: true)
    }
}
