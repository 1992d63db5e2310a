/// A consumer the application started: where its deliveries go and how to start it again after
/// a reconnect or a channel reopen.
struct ConsumerRegistration: Sendable {
    let tag: String
    let queue: String
    let exclusive: Bool
    let arguments: AMQPTable
    let deliveries: DeliveryBuffer
}
