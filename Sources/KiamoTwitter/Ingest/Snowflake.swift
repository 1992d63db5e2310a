import Foundation
import XIdentifiers

/// X ids are 64-bit snowflakes: milliseconds since X's epoch in the high bits, so ids order like
/// creation times. Cursors compare them as integers, never as strings ("999" < "1000").
public enum Snowflake {
    /// X's epoch, 2010-11-04T01:42:54.657Z, in Unix milliseconds.
    public static let epochMilliseconds: Int64 = 1_288_834_974_657

    /// The numeric id, or `nil` for anything that is not an X id (`XID`).
    public static func parse(_ id: String) -> UInt64? {
        XID(id).map { UInt64($0.value) }
    }

    /// When an id was created.
    public static func date(of id: UInt64) -> Date {
        Date(timeIntervalSince1970: Double(Int64(id >> 22) + epochMilliseconds) / 1000)
    }

    /// The smallest id X could give an event created at `date` (ids before it are older).
    public static func firstId(at date: Date) -> UInt64 {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded(.down)) - epochMilliseconds
        return milliseconds <= 0 ? 0 : UInt64(milliseconds) << 22
    }

    /// `id` moved back in time by `duration` (for the overlap read-back), never below zero.
    public static func id(_ id: UInt64, movedBackBy duration: Duration) -> UInt64 {
        let milliseconds = UInt64(max(0, duration.wholeMilliseconds))
        let delta = milliseconds << 22
        return id > delta ? id - delta : 0
    }
}
