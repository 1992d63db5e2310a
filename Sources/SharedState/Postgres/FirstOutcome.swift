import Synchronization

/// The first of several outcomes to arrive (a result, a timeout, a cancellation), handed to the
/// one task waiting for it; later ones are dropped. `PostgresStateStore.within` races a
/// statement against its bound with it, without waiting for the loser.
final class FirstOutcome<T: Sendable>: Sendable {
    private enum State {
        case waiting(CheckedContinuation<T, any Error>?)
        case settled(Result<T, any Error>)
        case taken
    }

    private let state = Mutex<State>(.waiting(nil))

    /// Records `result` if it is the first; resumes the waiter if there is one.
    func settle(_ result: Result<T, any Error>) {
        let waiter: CheckedContinuation<T, any Error>? = state.withLock { state in
            switch state {
            case .waiting(let continuation):
                if let continuation {
                    state = .taken
                    return continuation
                }
                state = .settled(result)
                return nil
            case .settled, .taken:
                return nil
            }
        }
        waiter?.resume(with: result)
    }

    /// The first outcome, awaited once.
    func value() async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let ready: Result<T, any Error>? = state.withLock { state in
                switch state {
                case .waiting:
                    state = .waiting(continuation)
                    return nil
                case .settled(let result):
                    state = .taken
                    return result
                case .taken:
                    return .failure(CancellationError())
                }
            }
            if let ready { continuation.resume(with: ready) }
        }
    }
}

extension Result where Failure == any Error {
    /// The outcome of an async throwing call.
    init(catching body: () async throws -> Success) async {
        do {
            self = .success(try await body())
        } catch {
            self = .failure(error)
        }
    }
}
