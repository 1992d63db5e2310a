/// X's 64-bit ids: milliseconds since X's epoch in the high bits, a sequence in the low 22, so
/// ids sort by creation time. Comparing them as integers is comparing creation times.
enum Snowflake {
    /// 2010-11-04T01:42:54.657Z, X's epoch, in Unix milliseconds.
    static let epochMilliseconds: Int64 = 1_288_834_974_657
    static let sequenceBits: UInt64 = 22
    static let maximumSequence: UInt64 = (1 << sequenceBits) - 1

    /// The id of the `sequence`-th thing created at `milliseconds` (Unix ms; clamped to X's epoch).
    static func id(milliseconds: Int64, sequence: UInt64) -> UInt64 {
        UInt64(max(0, milliseconds - epochMilliseconds)) << sequenceBits | (sequence & maximumSequence)
    }

    /// The smallest id of anything created at or after `milliseconds`.
    static func lowerBound(milliseconds: Int64) -> UInt64 {
        id(milliseconds: milliseconds, sequence: 0)
    }

    /// The Unix milliseconds an id was created at.
    static func milliseconds(of id: UInt64) -> Int64 {
        Int64(id >> sequenceBits) + epochMilliseconds
    }
}
