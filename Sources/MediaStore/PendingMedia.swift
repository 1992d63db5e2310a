import Foundation

/// An object the store does not hold yet and its owner means to fetch again: written when an item
/// goes out `pending`, so a process that stops (or dies) before its background fetches end
/// leaves the work where the next process on the same store finds it.
public struct PendingMedia: Sendable, Hashable, Codable {
    /// The object's key (`MediaKey.description`).
    public var key: String
    /// Where to fetch it from, in the owner's terms (the store does not read it).
    public var source: String
    /// Fetches tried so far, the first one included.
    public var attempts: Int
    /// When it was last found still to fetch.
    public var since: Date

    public init(key: String, source: String, attempts: Int, since: Date) {
        self.key = key
        self.source = source
        self.attempts = attempts
        self.since = since
    }
}
