import Foundation
import Synchronization

/// X's clock as this host sees it: this host's clock plus the offset the `Date` header of X's
/// latest answer showed.
///
/// Where a time is compared with X's own (`created_at`), it must be X's time, not this host's: a
/// post whose answer was lost is verified by looking in the conversation for the DM created at or
/// after the moment the post began. A host whose clock ran 30 s ahead recorded that moment 30 s
/// after the DM X had stored, the verification missed it, and the reply was posted twice.
///
/// The header has whole seconds, so the estimate is within about half a second plus half the
/// round trip; `ConversationMatch` allows 2 s. Until X has answered once, X's time is taken to be
/// this host's.
public final class XServerClock: Sendable {
    private let local: @Sendable () -> Date
    private let offset = Mutex<TimeInterval?>(nil)

    /// A clock over `local` (this host's).
    public init(local: @escaping @Sendable () -> Date = { Date() }) {
        self.local = local
    }

    /// X's time now.
    public func now() -> Date {
        local().addingTimeInterval(offset.withLock { $0 } ?? 0)
    }

    /// How far X's clock is ahead of this host's, in seconds (negative: behind); nil until X answered.
    public var offsetSeconds: TimeInterval? { offset.withLock { $0 } }

    /// This host's time, for timing a request.
    func localNow() -> Date { local() }

    /// Learns from an answer sent between `sentAt` and `receivedAt` (this host's times) with
    /// `dateHeader` (RFC 9110 IMF-fixdate); ignores a missing or malformed header.
    func observe(dateHeader: String?, sentAt: Date, receivedAt: Date) {
        guard let dateHeader, let stamped = Self.parse(dateHeader) else { return }
        // The header is truncated to the second: X's time at the answer was within [stamped, stamped + 1).
        let midpoint = sentAt.addingTimeInterval(receivedAt.timeIntervalSince(sentAt) / 2)
        let sample = stamped.timeIntervalSince(midpoint) + 0.5
        offset.withLock { $0 = sample }
    }

    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// "Sun, 06 Nov 1994 08:49:37 GMT" as a date; nil for anything else.
    static func parse(_ text: String) -> Date? {
        let parts = text.split(separator: " ")
        guard parts.count == 6, parts[5] == "GMT", let day = Int(parts[1]),
            let month = months.firstIndex(of: String(parts[2])), let year = Int(parts[3])
        else { return nil }
        let time = parts[4].split(separator: ":").compactMap { Int($0) }
        guard time.count == 3, (1...31).contains(day), (0...23).contains(time[0]), (0...59).contains(time[1]), (0...60).contains(time[2]) else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        guard let utc = TimeZone(identifier: "UTC") else { return nil }
        calendar.timeZone = utc
        return calendar.date(from: DateComponents(year: year, month: month + 1, day: day, hour: time[0], minute: time[1], second: time[2]))
    }
}
