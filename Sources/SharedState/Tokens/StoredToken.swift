import Foundation

/// An account's OAuth 2.0 token pair as stored, with the version every replacement increments.
///
/// The version is what compare-and-set replacements check, so a process that read version `n`
/// can only replace the pair if nobody stored `n + 1` meanwhile. `description` hides the secrets.
public struct StoredToken: Sendable, Hashable, CustomStringConvertible {
    /// The account the pair belongs to.
    public var account: String
    /// The pair (its `description` hides the secrets).
    public var token: TokenPair
    /// 1 for the first pair stored, plus one per replacement.
    public var version: Int64
    /// When this version was stored.
    public var updatedAt: Date

    /// A stored pair.
    public init(account: String, token: TokenPair, version: Int64, updatedAt: Date) {
        self.account = account
        self.token = token
        self.version = version
        self.updatedAt = updatedAt
    }

    /// Account and version; never the secrets.
    public var description: String {
        "StoredToken(account: \(account), version: \(version), \(token))"
    }
}
