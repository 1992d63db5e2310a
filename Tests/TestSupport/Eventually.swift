import Foundation

/// Why a wait with a deadline gave up.
public struct DeadlineExceeded: Error, CustomStringConvertible {
    public let what: String
    public let after: Duration
    public var description: String { "timed out after \(after) waiting for \(what)" }
}

/// Polls `condition` until it returns true or `timeout` passes: the tests' only way to wait.
///
/// Throws `DeadlineExceeded` naming `what` when the deadline passes, so a failing test says what
/// never happened instead of hanging or sleeping blindly.
public func eventually(
    _ what: String,
    timeout: Duration = .seconds(30),
    every interval: Duration = .milliseconds(50),
    _ condition: () async throws -> Bool
) async throws {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    while true {
        if try await condition() { return }
        if clock.now >= deadline { throw DeadlineExceeded(what: what, after: timeout) }
        try await Task.sleep(for: interval)
    }
}

/// Polls `produce` until it returns a value or `timeout` passes.
public func eventuallyValue<T>(
    _ what: String,
    timeout: Duration = .seconds(30),
    every interval: Duration = .milliseconds(50),
    _ produce: () async throws -> T?
) async throws -> T {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    while true {
        if let value = try await produce() { return value }
        if clock.now >= deadline { throw DeadlineExceeded(what: what, after: timeout) }
        try await Task.sleep(for: interval)
    }
}
