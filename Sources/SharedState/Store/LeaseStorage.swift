import Foundation

/// Named leases with a TTL, per account: the only mutual exclusion the state module offers.
///
/// A lease rather than a lock because a holder that dies must free it without anyone's help
/// (it stops renewing and the lease expires), and because no caller may hold a lock or a
/// transaction across a network call. Used for the one ingest poller among replicas
/// (`Leadership`) and the token refresh single flight (`SharedTokenRefresh`).
public protocol LeaseStorage: Sendable {
    /// Takes the lease `name` of `account` for `ttl` if it is free or expired, or its holder's
    /// process is known dead (`OwnerLiveness`), or extends it if `owner` already holds it.
    /// Returns the lease held, or nil when another (live, or not known dead) owner holds it.
    func acquireLease(account: String, name: String, owner: String, ttl: Duration) async throws -> Lease?

    /// Extends `owner`'s unexpired lease to `ttl` from now; nil when `owner` no longer holds it
    /// (expired, released, taken over): the caller must stop acting as the holder.
    func renewLease(account: String, name: String, owner: String, ttl: Duration) async throws -> Lease?

    /// Frees the lease if `owner` holds it; returns whether it did.
    func releaseLease(account: String, name: String, owner: String) async throws -> Bool

    /// The current unexpired holder, or nil when the lease is free.
    func leaseHolder(account: String, name: String) async throws -> Lease?

    /// The accounts whose lease `name` an owner other than `owner` holds now (unexpired, and its
    /// process not known gone): those `acquireLease` would refuse `owner`. One read for every
    /// account, so that a process under its share asks only for leases it can get
    /// (`LeaseShareKeeper`) instead of each standby engine asking the store every second.
    func leasesHeldByOthers(name: String, owner: String) async throws -> Set<String>
}
