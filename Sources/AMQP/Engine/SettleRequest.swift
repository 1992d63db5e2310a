/// An ack, nack or reject of a delivery, checked against the channel's generation on the thread.
struct SettleRequest: Sendable {
    enum Kind: Sendable {
        case ack(multiple: Bool)
        case nack(multiple: Bool, requeue: Bool)
        case reject(requeue: Bool)
    }

    let channel: UInt16
    let deliveryTag: UInt64
    let generation: UInt64
    let kind: Kind
    let promise: Promise<Void>
}
