/// DM event ids are 64-bit snowflakes written as decimal strings; they order as numbers, never as
/// text ("999" is older than "1000").
public enum EventIDOrder {
    /// The numeric value of `id`: digits only, positive, at most `Int64.max` (what X issues and
    /// what the SQLite backend stores as INTEGER).
    public static func value(of id: String) throws -> Int64 {
        guard !id.isEmpty, id.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let value = Int64(id), value > 0 else {
            throw StateStoreError.invalidEventID(id)
        }
        return value
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
