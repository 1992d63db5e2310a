import Synchronization

/// Collects the outcomes of a batch publish and resumes its caller once every message has one.
///
/// Settled from the connection thread only; the mutex makes that a checked guarantee rather
/// than a comment (it is never contended).
final class PublishBatch: Sendable {
    /// Which messages have their outcome, and the failures among them: kept apart because nearly
    /// every outcome is a success, and an array of optional results copied and compared an
    /// `AMQPError?` through the runtime's value witnesses for every message.
    private struct State {
        var settled: [Bool]
        var failures: [Int: AMQPError] = [:]
        var remaining: Int
    }

    private let state: Mutex<State>
    private let promise: Promise<[Result<Void, AMQPError>]>

    init(count: Int, promise: Promise<[Result<Void, AMQPError>]>) {
        state = Mutex(State(settled: Array(repeating: false, count: count), remaining: count))
        self.promise = promise
        if count == 0 { promise.succeed([]) }
    }

    /// Records message `index`'s outcome (the first one wins).
    func settle(_ index: Int, _ result: Result<Void, AMQPError>) {
        let finished: [Result<Void, AMQPError>]? = state.withLock { state in
            guard state.settled.indices.contains(index), !state.settled[index] else { return nil }
            state.settled[index] = true
            if case .failure(let error) = result { state.failures[index] = error }
            state.remaining -= 1
            guard state.remaining == 0 else { return nil }
            var results = [Result<Void, AMQPError>](repeating: .success(()), count: state.settled.count)
            for (index, error) in state.failures { results[index] = .failure(error) }
            return results
        }
        if let finished { promise.succeed(finished) }
    }
}
