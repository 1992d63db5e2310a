import Foundation
import KiamoTwitter
import SharedState
import XAPI

/// What `read` found: X's events (the raw side), the Kiamo messages (the mapped side), and the
/// cursor before and after.
public struct ReadReport: AdminReport {
    var account: String
    var apiVersion: String
    var pages: Int
    var since: String?
    var userLookups: Int
    var events: [DMEvent]
    var users: [XUser]
    var messages: [KiamoMessage]
    var skipped: [MappedEvents.Skipped]
    var cursorBefore: String?
    var cursorAfter: String?
    var committed: Bool
    /// Whether the text form shows the raw events (`--raw`); JSON always has them.
    public var showRaw = false

    private enum CodingKeys: String, CodingKey {
        case account, apiVersion, pages, since, userLookups, events, users, messages, skipped, cursorBefore, cursorAfter, committed
    }

    /// The report as text, one line each (see `AdminReport`).
    public var lines: [String] {
        var lines = ["account \(account), API v\(apiVersion): \(pages) page(s), \(events.count) event(s)\(since.map { " newer than \($0)" } ?? ""), \(messages.count) Kiamo message(s)"]
        if showRaw {
            lines.append("raw events (newest first):")
            lines += events.map { "  " + AdminJSON.line($0) }
            if !users.isEmpty {
                lines.append("included users:")
                lines += users.map { "  " + AdminJSON.line($0) }
            }
        }
        lines.append("Kiamo messages (oldest first):")
        lines += messages.isEmpty ? ["  none"] : messages.map { "  " + AdminJSON.line($0) }
        for item in skipped { lines.append("  skipped \(item.id): \(item.reason)") }
        if committed {
            lines.append("committed: \(messages.count) message(s) recorded as read; cursor \(cursorBefore ?? "none") -> \(cursorAfter ?? "none")")
        } else {
            lines.append("cursor unchanged (\(cursorBefore ?? "none")); --commit records these messages as read")
        }
        return lines
    }
}
