import Foundation

/// The live worker processes of a role, each announced with a TTL: how many ingest processes share
/// the accounts' leases (`FairShare`).
///
/// An announcement rather than a count of lease holders because a process that holds nothing yet
/// (just started, or every lease taken before it came) must still count: the others make room
/// for it by releasing their excess. Like a lease, a member that dies leaves by not renewing, and
/// expiry is judged on the store's clock (`StateStoreOptions.clock`), so hosts whose clocks
/// disagree still agree on who is live.
public protocol MemberRegistry: Sendable {
    /// Announces `owner` as a live member of `role` until `ttl` from now (again: renews it).
    func announceMember(owner: String, role: String, ttl: Duration) async throws

    /// Removes `owner` from `role` at once (graceful stop); returns whether it was there.
    @discardableResult
    func withdrawMember(owner: String, role: String) async throws -> Bool

    /// The unexpired members of `role`, sorted by owner id.
    func liveMembers(role: String) async throws -> [String]
}
