import Foundation

/// Runs a blocking call (reading standard input or a file) on a thread of its own, so it never
/// holds a thread of Swift's cooperative pool; the caller awaits the result.
enum BlockingCall {
    static func run<T: Sendable>(_ name: String, _ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread { continuation.resume(with: Result { try body() }) }
            thread.name = name
            thread.start()
        }
    }
}
