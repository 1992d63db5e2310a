import Foundation

/// Times in the formats X writes them, computed by hand from Unix milliseconds: an event's
/// `created_at` is formatted once when the event is stored, and a hand-written conversion keeps
/// bulk seeding fast and free of formatter thread-safety questions.
enum XTimestamp {
    /// `2022-10-19T13:37:15.000Z`, the v2 `created_at` (RFC 3339, UTC, milliseconds).
    static func iso8601(milliseconds ms: Int64) -> String {
        let (days, msOfDay) = ms.floorDivided(by: 86_400_000)
        let (year, month, day) = civil(fromDays: days)
        let hours = msOfDay / 3_600_000
        let minutes = msOfDay / 60_000 % 60
        let seconds = msOfDay / 1000 % 60
        let millis = msOfDay % 1000
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(hours, 2)):\(pad(minutes, 2)):\(pad(seconds, 2)).\(pad(millis, 3))Z"
    }

    /// `Wed Oct 10 20:19:24 +0000 2018`, the v1.1 `created_at`.
    static func v1(milliseconds ms: Int64) -> String {
        let (days, msOfDay) = ms.floorDivided(by: 86_400_000)
        let (year, month, day) = civil(fromDays: days)
        let weekday = Int((days % 7 + 11) % 7) // 1970-01-01 was a Thursday
        let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let time = "\(pad(msOfDay / 3_600_000, 2)):\(pad(msOfDay / 60_000 % 60, 2)):\(pad(msOfDay / 1000 % 60, 2))"
        return "\(weekdays[weekday]) \(months[Int(month) - 1]) \(pad(day, 2)) \(time) +0000 \(year)"
    }

    /// Parses an RFC 3339 / ISO 8601 time with or without fractional seconds, to Unix milliseconds;
    /// `nil` for anything else or a time outside 1970 to 9999.
    static func parse(_ text: String) -> Int64? {
        for style in [Date.ISO8601FormatStyle(includingFractionalSeconds: true), Date.ISO8601FormatStyle()] {
            if let date = try? style.parse(text) {
                let ms = (date.timeIntervalSince1970 * 1000).rounded()
                guard ms.isFinite, ms >= 0, ms <= latestMilliseconds else { return nil }
                return Int64(ms)
            }
        }
        return nil
    }

    /// Milliseconds since 1970 of `date`, clamped to years 1970 to 9999 so no input can overflow
    /// the id arithmetic.
    static func milliseconds(_ date: Date) -> Int64 {
        let ms = (date.timeIntervalSince1970 * 1000).rounded(.down)
        guard ms.isFinite else { return 0 }
        return Int64(min(max(ms, 0), latestMilliseconds))
    }

    /// 9999-12-31T23:59:59.999Z.
    static let latestMilliseconds: Double = 253_402_300_799_999

    /// Whether `ms` is a time the control API and seeds accept (1970 to 9999).
    static func isAcceptable(_ ms: Int64) -> Bool {
        ms >= 0 && Double(ms) <= latestMilliseconds
    }

    /// Howard Hinnant's days-to-civil conversion (proleptic Gregorian, UTC).
    private static func civil(fromDays days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}

extension Int64 {
    /// Quotient and non-negative remainder, so times before 1970 format correctly.
    fileprivate func floorDivided(by divisor: Int64) -> (Int64, Int64) {
        var quotient = self / divisor
        var remainder = self % divisor
        if remainder < 0 {
            quotient -= 1
            remainder += divisor
        }
        return (quotient, remainder)
    }
}
