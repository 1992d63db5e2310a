import Foundation
import Synchronization

/// A clock that only moves when told to: tests advance it past a rate-limit window or a token's
/// lifetime instantly. Safe to read and advance from any task.
public final class ManualClock: EmulatorClock {
    private let current: Mutex<Date>

    /// Starts at `start` (by default the wall-clock time of creation, so OAuth 1.0a timestamps
    /// of a signer using the real time still fall within X's 300-second tolerance).
    public init(start: Date = Date()) {
        current = Mutex(start)
    }

    public func now() -> Date { current.withLock { $0 } }

    /// Moves the clock forward (or back, with a negative duration).
    public func advance(by seconds: TimeInterval) {
        current.withLock { $0 = $0.addingTimeInterval(seconds) }
    }

    /// Sets the clock to `date`.
    public func set(_ date: Date) {
        current.withLock { $0 = date }
    }
}
