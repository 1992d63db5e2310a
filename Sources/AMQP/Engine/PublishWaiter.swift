/// A written publish awaiting its confirm, with what its errors must name.
struct PublishWaiter {
    let completion: PublishCompletion
    let exchange: String
    let routingKey: String
}
