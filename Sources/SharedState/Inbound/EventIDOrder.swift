internal import XIdentifiers

/// DM event ids are X ids (`XID`) written as decimal strings; they order as numbers, never as
/// text ("999" is older than "1000").
public enum EventIDOrder {
    /// The numeric value of `id` (what the SQLite backend stores as INTEGER), or
    /// `invalidEventID` when it is not an X id.
    public static func value(of id: String) throws -> Int64 {
        guard let xid = XID(id) else { throw StateStoreError.invalidEventID(id) }
        return xid.value
    }

    /// The cursor after committing `candidate` on top of `current`: cursors only move forward.
    public static func advance(current: Int64?, candidate: Int64?) -> Int64? {
        switch (current, candidate) {
        case (let current?, let candidate?): max(current, candidate)
        case (let current?, nil): current
        case (nil, let candidate): candidate
        }
    }

    /// `id` without leading zeros (the stored form: "007" and "7" are the same event).
    public static func canonical(_ value: Int64) -> String { String(value) }
}
