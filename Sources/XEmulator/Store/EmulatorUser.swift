import Foundation

/// A user X knows: an account the emulator serves, or a customer writing to it.
public struct EmulatorUser: Sendable, Equatable, Codable {
    /// Digits, as X writes ids.
    public var id: String
    public var name: String
    /// Handle without `@`: 1 to 15 of `A-Z a-z 0-9 _`.
    public var username: String
    public var description: String
    public var location: String?
    public var url: String?
    public var profileImageURL: String
    public var protected: Bool
    public var verified: Bool
    /// Whether the user accepts DMs from the accounts; `false` makes a send to them fail as X
    /// refuses it (v2 403, v1.1 code 349).
    public var acceptsDirectMessages: Bool
    /// Account creation time.
    public var createdAt: Date

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

    /// X's rule for handles.
    static func isValidUsername(_ username: String) -> Bool {
        (1...15).contains(username.utf8.count)
            && username.utf8.allSatisfy { $0 == UInt8(ascii: "_") || (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) }
    }

    /// X's rule for ids: 1 to 19 digits that fit a signed 64-bit integer.
    static func numericID(_ text: String) -> UInt64? {
        guard (1...19).contains(text.utf8.count), text.utf8.allSatisfy({ (0x30...0x39).contains($0) }),
            let value = UInt64(text), value <= UInt64(Int64.max)
        else { return nil }
        return value
    }
}
