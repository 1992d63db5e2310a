import Foundation

/// The system wall clock.
public struct SystemStateClock: StateClock {
    /// The system clock.
    public init() {}
    /// The current wall-clock time.
    public func now() -> Date { Date() }
}
