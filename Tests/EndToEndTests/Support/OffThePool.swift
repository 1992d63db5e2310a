import Foundation

/// Runs a blocking call (a script run to completion, such as the broker's `rabbitmqctl`) on a
/// thread of its own, so it never holds one of Swift's cooperative threads: the test keeps
/// posting DMs meanwhile, and the suites running beside it keep their threads.
enum OffThePool {
    static func run<T: Sendable>(_ name: String, _ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                continuation.resume(with: Result { try body() })
            }
            thread.name = name
            thread.start()
        }
    }
}
