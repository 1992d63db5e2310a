/// What a synchronous method's reply carried, copied out of librabbitmq's pool.
enum RPCReply: Sendable {
    /// A reply without content (declare-ok of an exchange, bind-ok, qos-ok, ...).
    case done
    /// queue.declare-ok.
    case queue(AMQPQueueState)
    /// queue.purge-ok / queue.delete-ok: messages removed.
    case messageCount(UInt32)
    /// basic.get-ok with its content, or nil for basic.get-empty.
    case delivery(AMQPDelivery?)
}
