/// An event of a page that could not be decoded (a field of the wrong type, an id that is not a
/// number): left out of the page's `events` and reported here, so one bad event is logged and
/// skipped instead of making the whole page, and every later poll, fail.
public struct UndecodableEvent: Sendable, Hashable, CustomStringConvertible {
    /// Its position in X's answer.
    public var index: Int
    /// Its `id` when that much could be read.
    public var id: String?
    /// The offending field (`data[3].created_at`).
    public var field: String
    public var reason: String

    public init(index: Int, id: String?, field: String, reason: String) {
        self.index = index
        self.id = id
        self.field = field
        self.reason = reason
    }

    public var description: String {
        "event \(id ?? "#\(index)") at \(field): \(reason)"
    }
}
