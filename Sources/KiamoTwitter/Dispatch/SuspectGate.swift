import Synchronization

/// Lets ordinary commands be handled together and a suspect one alone: a suspect (a command with
/// an earlier delivery that began and never settled, `SendLedger.unsettledDeliveries`) waits until
/// nothing else is being handled, and nothing else starts while it waits or runs.
///
/// Why: when a command kills the worker or its connection, every command handled beside it at
/// that moment loses its delivery too. Counted against each of them, a good neighbour would climb
/// to `dispatch.maxDeliveries` with the culprit. Handled alone after the first loss, the culprit
/// is the only one a further loss is counted against. Waiting is cancellable (throws
/// `CancellationError`, holds nothing).
public final class SuspectGate: Sendable {
    /// Who holds or waits for the gate.
    public enum Kind: Sendable { case ordinary, suspect }

    private struct Waiter {
        let id: UInt64
        let kind: Kind
        let continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var ordinary = 0
        var suspect = false
        /// First come, first served: an ordinary command behind a waiting suspect waits too, so
        /// a stream of ordinary commands cannot starve it.
        var waiters: [Waiter] = []
        var nextId: UInt64 = 0

        func admits(_ kind: Kind) -> Bool {
            switch kind {
            case .ordinary: !suspect
            case .suspect: !suspect && ordinary == 0
            }
        }

        mutating func enter(_ kind: Kind) {
            switch kind {
            case .ordinary: ordinary += 1
            case .suspect: suspect = true
            }
        }

        /// Enters the waiters at the head that may enter now, in order; their continuations.
        mutating func admitWaiting() -> [CheckedContinuation<Void, any Error>] {
            var admitted: [CheckedContinuation<Void, any Error>] = []
            while let first = waiters.first, admits(first.kind) {
                enter(first.kind)
                waiters.removeFirst()
                admitted.append(first.continuation)
            }
            return admitted
        }
    }

    private let state = Mutex(State())

    /// An open gate.
    public init() {}

    /// Enters as `kind`, waiting as long as needed. Pair with `leave(_:)`.
    public func enter(_ kind: Kind) async throws {
        try Task.checkCancellation()
        let id = state.withLock { state -> UInt64? in
            if state.waiters.isEmpty, state.admits(kind) {
                state.enter(kind)
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
                    state.waiters.append(Waiter(id: id, kind: kind, continuation: continuation))
                    return false
                }
                if cancelled { continuation.resume(throwing: CancellationError()) }
            }
        } onCancel: {
            let (waiter, admitted) = state.withLock { state -> (CheckedContinuation<Void, any Error>?, [CheckedContinuation<Void, any Error>]) in
                guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return (nil, []) }
                let waiter = state.waiters.remove(at: index).continuation
                // A suspect leaving the head may let ordinary commands behind it in.
                return (waiter, state.admitWaiting())
            }
            waiter?.resume(throwing: CancellationError())
            for continuation in admitted { continuation.resume() }
        }
    }

    /// Leaves the gate entered as `kind`, letting in whoever waits and may enter now.
    public func leave(_ kind: Kind) {
        let admitted = state.withLock { state -> [CheckedContinuation<Void, any Error>] in
            switch kind {
            case .ordinary: state.ordinary = max(0, state.ordinary - 1)
            case .suspect: state.suspect = false
            }
            return state.admitWaiting()
        }
        for continuation in admitted { continuation.resume() }
    }

    /// Ordinary holders, whether a suspect holds the gate, and how many wait.
    public var counts: (ordinary: Int, suspect: Bool, waiting: Int) {
        state.withLock { ($0.ordinary, $0.suspect, $0.waiters.count) }
    }
}
