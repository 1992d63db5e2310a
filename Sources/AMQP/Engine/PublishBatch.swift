import Synchronization

/// Collects the outcomes of a batch publish and resumes its caller once every message has one.
///
/// Settled from the connection thread only; the mutex makes that a checked guarantee rather
/// than a comment (it is never contended).
final class PublishBatch: Sendable {
    private struct State {
        var results: [Result<Void, AMQPError>?]
        var remaining: Int
    }

    private let state: Mutex<State>
    private let promise: Promise<[Result<Void, AMQPError>]>

    init(count: Int, promise: Promise<[Result<Void, AMQPError>]>) {
        state = Mutex(State(results: Array(repeating: nil, count: count), remaining: count))
        self.promise = promise
        if count == 0 { promise.succeed([]) }
    }

    /// Records message `index`'s outcome (the first one wins).
    func settle(_ index: Int, _ result: Result<Void, AMQPError>) {
        let finished: [Result<Void, AMQPError>]? = state.withLock { state in
            guard state.results.indices.contains(index), state.results[index] == nil else { return nil }
            state.results[index] = result
            state.remaining -= 1
            guard state.remaining == 0 else { return nil }
            return state.results.map { $0 ?? .failure(.protocolError("a publish of the batch had no outcome")) }
        }
        if let finished { promise.succeed(finished) }
    }
}
