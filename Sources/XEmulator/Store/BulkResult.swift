/// What `bulk` created.
public struct BulkResult: Sendable, Equatable, Codable {
    public var created: Int
    /// The generated customers' ids, in round-robin order.
    public var senders: [String]
    /// Smallest and largest event id created.
    public var firstID: String?
    public var lastID: String?
}
