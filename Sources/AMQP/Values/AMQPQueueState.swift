/// What the broker answered to a queue declare: the queue's name (the broker picks one when the
/// declare named none) and its counts at that moment.
public struct AMQPQueueState: Sendable, Hashable {
    /// The queue's name.
    public let name: String
    /// Messages ready for delivery (not counting unacknowledged ones).
    public let messageCount: UInt32
    /// Active consumers.
    public let consumerCount: UInt32

    /// A queue state with these values.
    public init(name: String, messageCount: UInt32, consumerCount: UInt32) {
        self.name = name
        self.messageCount = messageCount
        self.consumerCount = consumerCount
    }
}
