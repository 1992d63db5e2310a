import Foundation

/// Asked by a `Leadership` before it takes a lease it does not hold, and told what it holds, so
/// that a process's leases of one kind stay within its share (`LeaseShareKeeper`).
public protocol LeaseAdmission: Sendable {
    /// Whether this process may try to take the lease of `account` now (it is under its share).
    func mayTake(account: String) -> Bool
    /// The outcome of an attempt; for a lease taken, whether to keep it: false when others of
    /// this process's engines, trying at the same time, filled the share first (the caller
    /// releases it at once). Nothing is held back while an attempt is under way: standby engines
    /// of accounts others hold try too, and a place kept for each would keep out the one whose
    /// lease is free.
    @discardableResult
    func settle(account: String, taken: Bool) -> Bool
    /// The lease of `account` is no longer this process's (released, lost or expired).
    func dropped(account: String)
    /// Whether the holder of `account` should release it (this process is over its share).
    func mustRelease(account: String) -> Bool
}
