import Foundation

/// Asked by a `Leadership` before it takes a lease it does not hold, and told what it holds, so
/// that a process's leases of one kind stay within its share (`LeaseShareKeeper`).
public protocol LeaseAdmission: Sendable {
    /// Whether this process may try to take the lease of `account` now. True reserves a place
    /// until `settle` answers whether the lease was taken.
    func reserve(account: String) -> Bool
    /// The outcome of a reserved attempt.
    func settle(account: String, taken: Bool)
    /// The lease of `account` is no longer this process's (released, lost or expired).
    func dropped(account: String)
    /// Whether the holder of `account` should release it (this process is over its share).
    func mustRelease(account: String) -> Bool
}
