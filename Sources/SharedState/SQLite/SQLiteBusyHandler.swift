import Foundation
import Synchronization

/// Waits for another process's write lock with short sleeps, up to the busy timeout.
///
/// SQLite's built-in busy timeout sleeps 1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50, 100 ms between
/// retries, while a ledger transition holds the lock for tens of microseconds: with four
/// dispatchers on one file a writer that loses a few times in a row sleeps 100 ms at a time while
/// the others keep taking the lock (measured: stalls of 0.4 to 1 s, one process doing 2.5 times
/// the work of another). Yielding first, then sleeping 20 µs more at each retry (at most 1 ms),
/// bounds the stalls (p99.9 of a claim ≈ 3 to 10 ms) for a lower peak throughput (see the
/// report of `scripts/bench state`). SQLite calls it on the writer connection's own dispatch
/// queue, never on the cooperative pool.
final class SQLiteBusyHandler: Sendable {
    private let timeout: Duration
    private let episodeStart = Mutex<ContinuousClock.Instant>(.now)

    init(timeout: Duration) {
        self.timeout = timeout
    }

    /// SQLite's busy callback: `tries` counts the retries of the current wait, from 0.
    func shouldRetry(afterTries tries: Int) -> Bool {
        let now = ContinuousClock.now
        let start = episodeStart.withLock { start in
            if tries == 0 { start = now }
            return start
        }
        guard now - start < timeout else { return false }
        let delay = Self.delayMicroseconds(afterTries: tries)
        if delay == 0 {
            sched_yield()
        } else {
            usleep(delay)
        }
        return true
    }

    /// The pause before retry `tries + 1`: a yield for the first three (the holder is usually
    /// about to commit), then 20 µs growing by 20 µs per retry, at most 1 ms.
    static func delayMicroseconds(afterTries tries: Int) -> UInt32 {
        tries < 3 ? 0 : UInt32(min(1000, 20 * (tries - 2)))
    }
}
