import Foundation
import KiamoTwitter
import XAPI

/// The Kiamo messages of a saved answer.
public struct MapReport: AdminReport {
    var file: String
    var account: String
    var apiVersion: String
    var events: Int
    var nextToken: String?
    var messages: [KiamoMessage]
    var skipped: [MappedEvents.Skipped]

    /// The report as text, one line each (see `AdminReport`).
    public var lines: [String] {
        ["\(file): API v\(apiVersion), \(events) event(s), \(messages.count) Kiamo message(s) for account \(account)"]
            + messages.map(AdminJSON.line)
            + skipped.map { "skipped \($0.id): \($0.reason)" }
    }
}
