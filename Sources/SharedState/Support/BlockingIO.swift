import Dispatch

/// Runs blocking work (opening a database file, writing export files) on a dispatch queue of its
/// own, so it never occupies a thread of Swift's cooperative pool.
enum BlockingIO {
    private static let queue = DispatchQueue(label: "SharedState.BlockingIO", attributes: .concurrent)

    static func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async {
                continuation.resume(with: Result { try work() })
            }
        }
    }
}
