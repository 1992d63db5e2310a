import Foundation

/// One message the broker handed over, by a consumer or by `basic.get`.
///
/// Acknowledge it through the channel it came from (`AMQPChannel.ack(_:)` and friends). The
/// `generation` ties it to the channel's life: after a reconnect or a channel reopen the broker
/// has already requeued it, and settling it throws `AMQPError.staleDelivery`.
public struct AMQPDelivery: Sendable {
    /// The message body, as sent.
    public let body: Data
    /// The message properties, headers included.
    public let properties: AMQPProperties
    /// The exchange it was published to (empty for the default exchange).
    public let exchange: String
    /// The routing key it was published with.
    public let routingKey: String
    /// True when the broker delivered it before and it was not acknowledged.
    public let redelivered: Bool
    /// The broker's tag for this delivery on its channel.
    public let deliveryTag: UInt64
    /// The consumer it was delivered to; nil for `basic.get`.
    public let consumerTag: String?
    /// Messages left in the queue, for `basic.get` only.
    public let messageCount: UInt32?
    /// The channel number it arrived on.
    public let channelNumber: UInt16
    /// The life of the channel it arrived in; bumped by every reconnect and channel reopen.
    public let generation: UInt64
}
