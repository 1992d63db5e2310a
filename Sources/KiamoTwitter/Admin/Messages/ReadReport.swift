import Foundation
import SharedState
import XAPI

/// What `read` found: X's events (the raw side), the Kiamo messages (the mapped side), and the
/// cursor before and after.
public struct ReadReport: AdminReport {
    public var account: String
    public var apiVersion: String
    public var pages: Int
    public var since: String?
    public var userLookups: Int
    public var events: [DMEvent]
    public var users: [XUser]
    public var messages: [KiamoMessage]
    public var skipped: [MappedEvents.Skipped]
    public var cursorBefore: String?
    public var cursorAfter: String?
    public var committed: Bool
    /// Whether the text form shows the raw events (`--raw`); JSON always has them.
    public var showRaw = false

    private enum CodingKeys: String, CodingKey {
        case account, apiVersion, pages, since, userLookups, events, users, messages, skipped, cursorBefore, cursorAfter, committed
    }

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
