/// What `bulk` created.
public struct BulkResult: Sendable, Equatable, Codable {
    /// How many DMs were created.
    public var created: Int
    /// The generated customers' ids, in round-robin order.
    public var senders: [String]
    /// The smallest event id created.
    public var firstID: String?
    /// The largest event id created.
    public var lastID: String?

    public init(created: Int, senders: [String], firstID: String?, lastID: String?) {
        self.created = created
        self.senders = senders
        self.firstID = firstID
        self.lastID = lastID
    }
}
