import Foundation
import XAPI

/// An account's OAuth 2.0 token pair as stored, with the version every replacement increments.
///
/// The version is what compare-and-set replacements check, so a process that read version `n`
/// can only replace the pair if nobody stored `n + 1` meanwhile. `description` hides the secrets.
public struct StoredToken: Sendable, Hashable, CustomStringConvertible {
    public var account: String
    public var token: OAuth2Token
    public var version: Int64
    public var updatedAt: Date

    public init(account: String, token: OAuth2Token, version: Int64, updatedAt: Date) {
        self.account = account
        self.token = token
        self.version = version
        self.updatedAt = updatedAt
    }

    public var description: String {
        "StoredToken(account: \(account), version: \(version), \(token))"
    }
}
