import Foundation

/// Standard input, read off Swift's cooperative pool (`readLine` blocks).
enum StandardInput {
    /// The next line, or nil at end of input.
    static func line() async -> String? {
        (try? await BlockingCall.run("stdin") { Swift.readLine(strippingNewline: true) }) ?? nil
    }
}
