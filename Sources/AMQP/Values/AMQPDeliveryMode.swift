/// Whether the broker writes a message to disk (`persistent`) or may keep it in memory only.
public enum AMQPDeliveryMode: UInt8, Sendable, Hashable {
    /// Lost when the broker restarts.
    case transient = 1
    /// Written to disk in durable queues; survives a broker restart.
    case persistent = 2
}
