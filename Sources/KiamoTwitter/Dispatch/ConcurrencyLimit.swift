import Synchronization

/// At most `limit` holders at once, the others waiting first come, first served: the dispatch
/// engine's limit of DMs in flight per account. Waiting is cancellable (a cancelled waiter
/// throws `CancellationError` and takes no slot).
public final class ConcurrencyLimit: Sendable {
    private struct State {
        var available: Int
        var waiters: [(id: UInt64, continuation: CheckedContinuation<Void, any Error>)] = []
        var nextId: UInt64 = 0
    }

    /// Holders allowed at once.
    public let limit: Int
    private let state: Mutex<State>

    /// A limit of `limit` (at least 1).
    public init(limit: Int) {
        self.limit = max(1, limit)
        state = Mutex(State(available: max(1, limit)))
    }

    /// Holds a slot for the duration of `body`.
    public func withSlot<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        try await acquire()
        defer { release() }
        return try await body()
    }

    /// Takes a slot, waiting for one if none is free. Pair with `release()`.
    public func acquire() async throws {
        try Task.checkCancellation()
        let id = state.withLock { state -> UInt64? in
            if state.available > 0 {
                state.available -= 1
                return nil
            }
            state.nextId += 1
            return state.nextId
        }
        guard let id else { return }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let cancelled = state.withLock { state -> Bool in
                    if Task.isCancelled { return true }
                    state.waiters.append((id, continuation))
                    return false
                }
                if cancelled { continuation.resume(throwing: CancellationError()) }
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<Void, any Error>? in
                guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                return state.waiters.remove(at: index).continuation
            }
            waiter?.resume(throwing: CancellationError())
        }
    }

    /// Gives a slot back: to the longest waiter, or to the pool.
    public func release() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, any Error>? in
            if !state.waiters.isEmpty { return state.waiters.removeFirst().continuation }
            state.available = min(limit, state.available + 1)
            return nil
        }
        waiter?.resume()
    }

    /// Tasks waiting for a slot.
    public var waiting: Int {
        state.withLock { $0.waiters.count }
    }

    /// Slots in use.
    public var inUse: Int {
        state.withLock { limit - $0.available }
    }
}
