import Foundation
import KiamoTwitter

/// The minutes `webhooks replay` asks X to deliver again, checked against what X takes before
/// anything is sent: X replays at most 24 hours back and refuses a window that ends before it
/// starts. A pure value: the times are read against one `now`, so a `-24h` given on the command
/// line is not refused for the milliseconds spent between parsing and checking.
public struct ReplayWindow: Sendable, Hashable {
    /// How far back X replays.
    public static let longest: TimeInterval = 24 * 3600

    public let from: Date
    public let to: Date

    /// `from` and `to` as the command line gives them: ISO 8601 date-times
    /// (`2025-01-31T08:00:00Z`), a time relative to `now` (`-2h`, `-90m`, `-30s`, `-1d`), or `now`.
    public init(from: String, to: String, now: Date) throws {
        let start = try Self.time(from, option: "--from", now: now)
        let end = try Self.time(to, option: "--to", now: now)
        guard start <= end else {
            throw AdminError.usage("--from \(Self.text(start)) is after --to \(Self.text(end)): X replays a window that starts before it ends")
        }
        guard now.timeIntervalSince(start) <= Self.longest else {
            let hours = String(format: "%.1f", now.timeIntervalSince(start) / 3600)
            throw AdminError.usage(
                "--from \(Self.text(start)) is \(hours) h ago: X replays at most 24 h back; give a later --from (e.g. -24h)")
        }
        self.from = start
        self.to = end
    }

    /// One time of the command line; a usage error naming `option` when it is neither form.
    static func time(_ text: String, option: String, now: Date) throws -> Date {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.lowercased() == "now" { return now }
        if trimmed.hasPrefix("-"), let back = DurationText.parse(String(trimmed.dropFirst())) {
            let (seconds, attoseconds) = back.components
            return now.addingTimeInterval(-(Double(seconds) + Double(attoseconds) / 1e18))
        }
        if let date = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(trimmed) { return date }
        if let date = try? Date.ISO8601FormatStyle().parse(trimmed) { return date }
        throw AdminError.usage(
            "\(option) '\(text.prefix(40))' is not a time: give an ISO 8601 date-time with its zone (2025-01-31T08:00:00Z), "
                + "a time back from now (-2h, -90m, -1d) or now")
    }

    /// ISO 8601, UTC, to the second.
    static func text(_ date: Date) -> String { AdminJSON.time(date) }
}
