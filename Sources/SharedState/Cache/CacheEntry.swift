import Foundation

/// A cached record with the time it describes (its `updatedAt`, the newer of two adds wins).
public struct CacheEntry<Record: Sendable & Hashable & Codable>: Sendable, Hashable, Codable {
    public var record: Record
    public var updatedAt: Date

    public init(record: Record, updatedAt: Date) {
        self.record = record
        self.updatedAt = updatedAt
    }
}
