import Foundation

/// Runs a blocking call (a script run to completion, such as the broker's `rabbitmqctl`) on a
/// thread of its own, so it never holds one of Swift's cooperative threads: on 2 cores the pool
/// has 2, and two tests each waiting seconds for a script would stall every other test's timers
/// and I/O meanwhile (timeouts measured elsewhere then fail).
public enum OffThePool {
    public static func run<T: Sendable>(_ name: String, _ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                continuation.resume(with: Result { try body() })
            }
            thread.name = name
            thread.start()
        }
    }
}
