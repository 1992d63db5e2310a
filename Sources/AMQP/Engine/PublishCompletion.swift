/// Where the outcome of one publish goes: the caller of `publish`, or its slot in a batch.
enum PublishCompletion: Sendable {
    case single(Promise<Void>)
    case batchItem(PublishBatch, index: Int)

    func succeed() {
        switch self {
        case .single(let promise): promise.succeed()
        case .batchItem(let batch, let index): batch.settle(index, .success(()))
        }
    }

    func fail(_ error: AMQPError) {
        switch self {
        case .single(let promise): promise.fail(error)
        case .batchItem(let batch, let index): batch.settle(index, .failure(error))
        }
    }
}
