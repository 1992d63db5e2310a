import Foundation

/// Reads standard input off Swift's cooperative pool: `readLine` blocks, so it runs on a thread
/// of its own and the caller awaits it.
enum StandardInput {
    /// The next line, or nil at end of input.
    static func line() async -> String? {
        await withCheckedContinuation { continuation in
            let thread = Thread { continuation.resume(returning: Swift.readLine(strippingNewline: true)) }
            thread.name = "stdin"
            thread.start()
        }
    }
}
