import Foundation

/// The wall clock the state store reads for expiries (tokens, cache, leases, claims, budgets).
///
/// Injected so tests can move time; every process on one host reads the same system clock, which
/// is what makes lease expiry agree between them.
public protocol StateClock: Sendable {
    func now() -> Date
}
