import Foundation

/// A state write that others wait on, tried again while the store is briefly away (a PostgreSQL
/// restart cuts every connection for a second or two; a SQLite file stays busy past its timeout)
/// instead of given up at the first error.
///
/// Giving up was not harmless: a settled reply that failed to leave its recipient's line stayed
/// its head, and every later reply to that customer waited for the entry to expire (a minute)
/// and then went round the retry tiers behind it. The retries stop at `within` (past it the
/// write no longer matters, or the caller's fallback takes over) and when the task is cancelled
/// (a worker stopping does not wait for the store).
struct StateWriteRetry: Sendable {
    /// How long to keep trying from the first attempt.
    var within: Duration
    /// The pause after the first failure, doubled after each next one up to `longest`.
    var first: Duration = .milliseconds(100)
    var longest: Duration = .seconds(2)
    /// Checked before each retry: true gives up at once.
    var stopping: @Sendable () -> Bool = { false }

    /// Runs `write` until it succeeds (nil), or returns the last error once the time is up or
    /// the task is cancelled. `failed` hears of each failure (to log the first).
    func run(_ write: () async throws -> Void, failed: (_ attempt: Int, _ error: any Error) -> Void = { _, _ in }) async -> (any Error)? {
        let deadline = ContinuousClock.now + within
        var pause = first
        var attempt = 1
        while true {
            do {
                try await write()
                return nil
            } catch {
                failed(attempt, error)
                guard ContinuousClock.now + pause < deadline, !stopping() else { return error }
                do {
                    try await Task.sleep(for: pause)
                } catch {
                    return error
                }
                pause = min(pause * 2, longest)
                attempt += 1
            }
        }
    }
}
