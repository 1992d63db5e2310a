/// The advisory-lock keys the PostgreSQL backend uses (the two-`int4` form), one namespace per
/// purpose so they never meet each other or another application's locks on the same database.
enum PostgresLocks {
    /// Held (transaction level) while the schema is checked and migrated: workers starting at
    /// once migrate one after the other, and all but the first find the work done.
    static let migration: (Int32, Int32) = (0x4B54_5753, 0) // "KTWS"
    /// Namespace of the processes' liveness locks (`PostgresOwnerLiveness`), one random key per process.
    static let owners: Int32 = 0x4B54_4F57 // "KTOW"
    /// Namespace of the recipient lines' locks, keyed by `hashtext(account || '/' || recipient)`.
    static let lines: Int32 = 0x4B54_4C4E // "KTLN"

    /// A stable 32-bit key for `text` (FNV-1a): the same in every process and release.
    static func key(_ text: String) -> Int32 {
        var hash: UInt32 = 0x811C_9DC5
        for byte in text.utf8 {
            hash ^= UInt32(byte)
            hash = hash &* 0x0100_0193
        }
        return Int32(bitPattern: hash)
    }
}
