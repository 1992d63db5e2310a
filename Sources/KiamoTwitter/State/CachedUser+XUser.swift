import SharedState
import XAPI

// A user as X's client maps it and as the cache keeps it hold the same three fields; these
// conversions are the only place the two meet.

extension CachedUser {
    /// The cache record of a user X returned.
    public init(_ user: XUser) {
        self.init(id: user.id, name: user.name, username: user.username)
    }
}

extension XUser {
    /// A cached user, as the engines use X's.
    public init(_ user: CachedUser) {
        self.init(id: user.id, name: user.name, username: user.username)
    }
}
