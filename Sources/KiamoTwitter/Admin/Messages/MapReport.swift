import Foundation
import XAPI

/// The Kiamo messages of a saved answer.
public struct MapReport: AdminReport {
    public var file: String
    public var account: String
    public var apiVersion: String
    public var events: Int
    public var nextToken: String?
    public var messages: [KiamoMessage]
    public var skipped: [MappedEvents.Skipped]

    public var lines: [String] {
        ["\(file): API v\(apiVersion), \(events) event(s), \(messages.count) Kiamo message(s) for account \(account)"]
            + messages.map(AdminJSON.line)
            + skipped.map { "skipped \($0.id): \($0.reason)" }
    }
}
