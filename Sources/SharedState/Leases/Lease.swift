import Foundation

/// A named lease of one account (e.g. `ingest`, `token-refresh`) held by `owner` until `expiresAt`.
///
/// A lease past `expiresAt` is free: a holder that dies frees it by not renewing.
public struct Lease: Sendable, Hashable, Codable {
    public var account: String
    public var name: String
    public var owner: String
    public var acquiredAt: Date
    public var expiresAt: Date

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
