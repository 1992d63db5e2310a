import Foundation

/// Where the emulator reads the time: OAuth timestamps and nonces, token expiry, rate-limit
/// windows, the 30-day window and the creation time of new DMs all use it, so a test can move
/// time forward instead of waiting.
public protocol EmulatorClock: Sendable {
    /// The current time.
    func now() -> Date
}

/// The system's wall clock: what the executable and benchmarks use.
public struct SystemClock: EmulatorClock {
    public init() {}
    public func now() -> Date { Date() }
}
