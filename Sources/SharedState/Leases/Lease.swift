import Foundation

/// A named lease of one account (e.g. `ingest`, `token-refresh`) held by `owner` until `expiresAt`.
///
/// A lease past `expiresAt` is free: a holder that dies frees it by not renewing.
public struct Lease: Sendable, Hashable, Codable {
    /// The account the lease belongs to.
    public var account: String
    /// What the lease guards, e.g. `ingest` or `token-refresh`.
    public var name: String
    /// Who holds it (`OwnerID`).
    public var owner: String
    /// When the current holder took it.
    public var acquiredAt: Date
    /// When it becomes free unless renewed.
    public var expiresAt: Date

    /// A lease held by `owner` until `expiresAt`.
    public init(account: String, name: String, owner: String, acquiredAt: Date, expiresAt: Date) {
        self.account = account
        self.name = name
        self.owner = owner
        self.acquiredAt = acquiredAt
        self.expiresAt = expiresAt
    }

    /// True while the lease is held (not yet expired) at `now`.
    public func isHeld(at now: Date) -> Bool { now < expiresAt }
}
