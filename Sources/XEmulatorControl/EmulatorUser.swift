import Foundation

/// A user X knows: an account the emulator serves, or a customer writing to it.
public struct EmulatorUser: Sendable, Equatable, Codable {
    /// Digits, as X writes ids.
    public var id: String
    /// Display name.
    public var name: String
    /// Handle without `@`: 1 to 15 of `A-Z a-z 0-9 _`.
    public var username: String
    /// Profile description (empty by default).
    public var description: String
    /// Profile location.
    public var location: String?
    /// Profile URL.
    public var url: String?
    /// Avatar URL (a made-up `pbs.twimg.com` one by default).
    public var profileImageURL: String
    /// Whether the account is protected.
    public var protected: Bool
    /// Whether the account is verified.
    public var verified: Bool
    /// Whether the user accepts DMs from the accounts; `false` makes a send to them fail as X
    /// refuses it (v2 403, v1.1 code 349).
    public var acceptsDirectMessages: Bool
    /// Account creation time.
    public var createdAt: Date

    /// A user; only id, name and handle are required. The store validates id and handle when adding it.
    public init(
        id: String,
        name: String,
        username: String,
        description: String = "",
        location: String? = nil,
        url: String? = nil,
        profileImageURL: String? = nil,
        protected: Bool = false,
        verified: Bool = false,
        acceptsDirectMessages: Bool = true,
        createdAt: Date = Date(timeIntervalSince1970: 1_500_000_000)
    ) {
        self.id = id
        self.name = name
        self.username = username
        self.description = description
        self.location = location
        self.url = url
        self.profileImageURL = profileImageURL ?? "https://pbs.twimg.com/profile_images/\(id)/avatar_normal.png"
        self.protected = protected
        self.verified = verified
        self.acceptsDirectMessages = acceptsDirectMessages
        self.createdAt = createdAt
    }
}
