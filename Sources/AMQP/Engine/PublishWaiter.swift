/// A written publish awaiting its confirm, with what its errors must name.
struct PublishWaiter {
    let promise: Promise<Void>
    let exchange: String
    let routingKey: String
}
