import Foundation

/// A cached record with the time it describes (its `updatedAt`, the newer of two adds wins).
public struct CacheEntry<Record: Sendable & Hashable & Codable>: Sendable, Hashable, Codable {
    /// The cached record.
    public var record: Record
    /// The time the record describes; the newer of two adds wins and expiry counts from it.
    public var updatedAt: Date

    /// A record as of `updatedAt`.
    public init(record: Record, updatedAt: Date) {
        self.record = record
        self.updatedAt = updatedAt
    }
}
