/// Where the outcome of one publish goes: the caller of `publish`, or its slot in a batch. It is
/// all the confirm tracker holds for a written publish, so it names the exchange and routing key
/// an error must carry: a single publish keeps them, a batch item finds them in its batch.
///
/// One reference (and an index) whichever the case: the tracker copies it in and out for every
/// message, and an enum carrying the strings themselves went through the runtime's value
/// witnesses for each copy (callgrind: about 150 instructions a message).
enum PublishCompletion: Sendable {
    case single(SinglePublish)
    case batchItem(PublishBatch, index: Int)

    func succeed() {
        switch self {
        case .single(let publish): publish.promise.succeed()
        case .batchItem(let batch, let index): batch.succeed(index..<(index + 1))
        }
    }

    func fail(_ error: AMQPError) {
        switch self {
        case .single(let publish): publish.promise.fail(error)
        case .batchItem(let batch, let index): batch.fail(index, error)
        }
    }

    /// The exchange and routing key the message was published to.
    var target: (exchange: String, routingKey: String) {
        switch self {
        case .single(let publish): (publish.exchange, publish.routingKey)
        case .batchItem(let batch, let index): batch.target(of: index)
        }
    }
}

/// The caller of one `publish`, with where it published (for the errors).
final class SinglePublish: Sendable {
    let promise: Promise<Void>
    let exchange: String
    let routingKey: String

    init(_ promise: Promise<Void>, exchange: String, routingKey: String) {
        self.promise = promise
        self.exchange = exchange
        self.routingKey = routingKey
    }
}
