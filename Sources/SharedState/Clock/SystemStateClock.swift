import Foundation

/// The system wall clock.
public struct SystemStateClock: StateClock {
    public init() {}
    public func now() -> Date { Date() }
}
