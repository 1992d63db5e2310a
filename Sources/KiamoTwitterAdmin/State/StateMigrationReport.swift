import KiamoTwitter

/// What `state migrate` copied, table by table (counts only: the records hold tokens).
public struct StateMigrationReport: AdminReport {
    /// One table and how many records it moved.
    public struct Table: Sendable, Encodable {
        var name: String
        var records: Int
    }

    /// The source and target URLs, passwords masked.
    var from: String
    var to: String
    var tables: [Table]
    /// Every record read back from the target equals the source's.
    var verified: Bool

    /// The report as text, one line each (see `AdminReport`).
    public var lines: [String] {
        ["copied \(from) to \(to)"]
            + tables.map { "  \($0.name): \($0.records) record(s)" }
            + [verified ? "verified: every record read back from the target equals the source's" : "NOT verified"]
    }
}
