import Synchronization

/// Collects the outcomes of a batch publish and resumes its caller once every message has one.
///
/// Settled from the connection thread only; the mutex makes that a checked guarantee rather
/// than a comment (it is never contended). The broker confirms a batch in runs (`multiple`), and
/// a run of successes is recorded under one lock (`succeed(_:)`), not one per message.
final class PublishBatch: Sendable {
    /// Which messages have their outcome, and the failures among them: kept apart because nearly
    /// every outcome is a success, and an array of optional results copied and compared an
    /// `AMQPError?` through the runtime's value witnesses for every message.
    private struct State {
        var settled: [Bool]
        var failures: [Int: AMQPError] = [:]
        var remaining: Int
    }

    /// The messages, for the exchange and routing key an error names.
    let messages: [AMQPMessage]
    private let state: Mutex<State>
    private let promise: Promise<[Result<Void, AMQPError>]>

    init(messages: [AMQPMessage], promise: Promise<[Result<Void, AMQPError>]>) {
        self.messages = messages
        state = Mutex(State(settled: Array(repeating: false, count: messages.count), remaining: messages.count))
        self.promise = promise
        if messages.isEmpty { promise.succeed([]) }
    }

    /// Where message `index` was published.
    func target(of index: Int) -> (exchange: String, routingKey: String) {
        guard messages.indices.contains(index) else { return ("", "") }
        return (messages[index].exchange, messages[index].routingKey)
    }

    /// Records that the messages at `indices` were confirmed (an outcome already recorded stays).
    func succeed(_ indices: Range<Int>) {
        let finished: [Result<Void, AMQPError>]? = state.withLock { state in
            for index in indices where state.settled.indices.contains(index) && !state.settled[index] {
                state.settled[index] = true
                state.remaining -= 1
            }
            return state.remaining == 0 && !indices.isEmpty ? Self.results(state) : nil
        }
        if let finished { promise.succeed(finished) }
    }

    /// Records message `index`'s failure (the first outcome wins).
    func fail(_ index: Int, _ error: AMQPError) {
        let finished: [Result<Void, AMQPError>]? = state.withLock { state in
            guard state.settled.indices.contains(index), !state.settled[index] else { return nil }
            state.settled[index] = true
            state.failures[index] = error
            state.remaining -= 1
            return state.remaining == 0 ? Self.results(state) : nil
        }
        if let finished { promise.succeed(finished) }
    }

    private static func results(_ state: State) -> [Result<Void, AMQPError>] {
        // Each element made in place: `Array(repeating:count:)` copied the first one into every
        // slot through the runtime's value witness for `Result<Void, AMQPError>`.
        let count = state.settled.count
        return [Result<Void, AMQPError>](unsafeUninitializedCapacity: count) { buffer, initialized in
            let anyFailed = !state.failures.isEmpty
            for index in 0..<count {
                if anyFailed, let error = state.failures[index] {
                    (buffer.baseAddress! + index).initialize(to: .failure(error))
                } else {
                    (buffer.baseAddress! + index).initialize(to: .success(()))
                }
            }
            initialized = count
        }
    }
}
