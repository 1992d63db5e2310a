import Foundation

/// One message on its way to the connection thread; `completion` resolves on its confirm.
struct PublishRequest: Sendable {
    let channel: UInt16
    let exchange: String
    let routingKey: String
    let body: Data
    let properties: AMQPProperties
    let mandatory: Bool
    /// How long it may wait for a connection or an unblock before it is written.
    let deadline: ContinuousClock.Instant
    let completion: PublishCompletion
}
