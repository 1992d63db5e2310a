import DequeModule
import Synchronization

/// The deliveries of one consumer on their way from the connection thread to the one task that
/// iterates them: an unbounded buffer (the channel's prefetch bounds it), ended by the connection
/// thread (`finish`) or by the consumer side (`cancel`: the iterating task cancelled, or every
/// `AMQPConsumer` and iterator dropped).
///
/// It does what `AsyncThrowingStream` did here, with what this use needs and nothing else: one
/// lock, one waiting task at most, and code specialised for `AMQPDelivery`. The standard
/// library's stream is generic code compiled apart from its element type: callgrind counted
/// about 4,700 instructions a delivery in its `yield` and about 9,300 in its `next`, more than
/// the C client spends on a whole consumed message.
final class DeliveryBuffer: Sendable {
    private enum End {
        case finished
        case failed(any Error)
        case cancelled
    }

    private struct State {
        var buffered: Deque<AMQPDelivery> = []
        /// The iterating task, suspended in `next` while nothing is buffered.
        var waiter: CheckedContinuation<AMQPDelivery?, any Error>?
        var end: End?
        /// Called once, when the consumer side cancels (never after `finish`).
        var onCancel: (@Sendable () -> Void)?
    }

    private let state = Mutex(State())

    init() {}

    /// What runs when the consumer side gives up the deliveries (cancels the consumer on the
    /// broker). Set before the buffer is handed out.
    func onCancel(_ action: @escaping @Sendable () -> Void) {
        state.withLock { $0.onCancel = action }
    }

    // MARK: The connection thread's side

    /// Hands `delivery` to the consumer; false when the consumer side is gone or the buffer was
    /// ended (the caller hands the delivery back to the broker).
    func yield(_ delivery: AMQPDelivery) -> Bool {
        let waiter: CheckedContinuation<AMQPDelivery?, any Error>?? = state.withLock { state in
            guard state.end == nil else { return .none }
            if let waiter = state.waiter {
                state.waiter = nil
                return .some(waiter)
            }
            state.buffered.append(delivery)
            return .some(nil)
        }
        guard let waiter else { return false }
        waiter?.resume(returning: delivery)
        return true
    }

    /// Ends the deliveries after those buffered: normally, or with `error`.
    func finish(throwing error: (any Error)? = nil) {
        let waiter: CheckedContinuation<AMQPDelivery?, any Error>? = state.withLock { state in
            guard state.end == nil else { return nil }
            state.end = error.map { .failed($0) } ?? .finished
            state.onCancel = nil
            defer { state.waiter = nil }
            return state.waiter
        }
        // A waiting task means nothing was buffered: it gets the end at once.
        if let error { waiter?.resume(throwing: error) } else { waiter?.resume(returning: nil) }
    }

    // MARK: The consumer's side

    /// The next delivery, or nil at the end; throws the error the buffer was finished with.
    /// Returns nil at once once the iterating task is cancelled (and cancels the buffer).
    func next() async throws -> AMQPDelivery? {
        enum Taken {
            case delivery(AMQPDelivery)
            case end(End)
            case wait
        }
        func take(_ state: inout State) -> Taken {
            if let delivery = state.buffered.popFirst() { return .delivery(delivery) }
            if let end = state.end { return .end(end) }
            return .wait
        }
        func ending(_ end: End) throws -> AMQPDelivery? {
            switch end {
            case .finished, .cancelled: return nil
            case .failed(let error):
                // Thrown once: after it the sequence is over, as for any async sequence.
                state.withLock { $0.end = .finished }
                throw error
            }
        }
        if Task.isCancelled {
            cancel()
            return nil
        }
        switch state.withLock({ take(&$0) }) {
        case .delivery(let delivery): return delivery
        case .end(let end): return try ending(end)
        case .wait: break
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<AMQPDelivery?, any Error>) in
                let taken: Taken = state.withLock { state in
                    let taken = take(&state)
                    if case .wait = taken { state.waiter = continuation }
                    return taken
                }
                switch taken {
                case .delivery(let delivery): continuation.resume(returning: delivery)
                case .end(let end): continuation.resume(with: Result { try ending(end) })
                case .wait: break
                }
            }
        } onCancel: {
            cancel()
        }
    }

    /// The consumer side gives up: what is buffered is dropped (the broker delivers it again once
    /// the consumer is cancelled), a waiting `next` returns nil, and `onCancel` runs once.
    func cancel() {
        let (waiter, action): (CheckedContinuation<AMQPDelivery?, any Error>?, (@Sendable () -> Void)?) = state.withLock { state in
            guard state.end == nil else { return (nil, nil) }
            state.end = .cancelled
            state.buffered.removeAll()
            defer {
                state.waiter = nil
                state.onCancel = nil
            }
            return (state.waiter, state.onCancel)
        }
        waiter?.resume(returning: nil)
        action?()
    }
}
