import Foundation
import SharedState
import Synchronization

/// The wall clock tests move by hand (the state store's `StateClock`), so expiries, stale claims
/// and budget resets happen without waiting. It counts its reads, which lets a test see that a
/// caller is polling (every poll reads the time).
public final class TestClock: StateClock {
    private let state: Mutex<(now: Date, reads: Int)>

    public init(_ start: Date = Date(timeIntervalSince1970: 1_700_000_000)) {
        state = Mutex((start, 0))
    }

    public func now() -> Date {
        state.withLock {
            $0.reads += 1
            return $0.now
        }
    }

    /// How many times `now()` was read.
    public var reads: Int { state.withLock { $0.reads } }

    public func advance(seconds: TimeInterval) {
        state.withLock { $0.now = $0.now.addingTimeInterval(seconds) }
    }
}
