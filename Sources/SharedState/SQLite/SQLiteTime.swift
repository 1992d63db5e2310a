import Foundation

/// Dates as the SQLite backend stores them: INTEGER milliseconds since 1970.
enum SQLiteTime {
    static func millis(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded())
    }

    static func date(_ millis: Int64) -> Date {
        Date(timeIntervalSince1970: Double(millis) / 1000)
    }

    static func date(_ millis: Int64?) -> Date? {
        millis.map { date($0) }
    }
}
