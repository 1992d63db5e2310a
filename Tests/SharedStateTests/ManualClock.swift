import Foundation
import SharedState
import Synchronization

/// A clock tests move by hand, so expiry logic runs without waiting. It counts its reads, which
/// lets a test see that a caller is polling (every poll reads the time).
final class ManualClock: StateClock {
    private let state: Mutex<(now: Date, reads: Int)>

    init(_ start: Date = Date(timeIntervalSince1970: 1_700_000_000)) {
        state = Mutex((start, 0))
    }

    func now() -> Date {
        state.withLock {
            $0.reads += 1
            return $0.now
        }
    }

    var reads: Int { state.withLock { $0.reads } }

    func advance(seconds: Double) {
        state.withLock { $0.now = $0.now.addingTimeInterval(seconds) }
    }
}
