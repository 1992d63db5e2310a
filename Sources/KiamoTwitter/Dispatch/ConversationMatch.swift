import Foundation
import XAPI

/// Finds, among a conversation's recent events, the DM an earlier attempt may have posted: one
/// from the account, with the same text, created at or after the moment that attempt began; a
/// DM of media alone (no text) is told by its media instead.
/// Pure; `CommandDispatcher` reads the events.
public struct ConversationMatch: Sendable {
    /// Slack for the difference between this host's clock (the claim time) and X's (`created_at`).
    public var clockSkew: Duration

    /// A matcher allowing `clockSkew` between the two clocks.
    public init(clockSkew: Duration = .seconds(2)) {
        self.clockSkew = clockSkew
    }

    /// The earliest `created_at` a match may have.
    public func floor(since: Date) -> Date {
        since.addingTimeInterval(-clockSkew.seconds)
    }

    /// The oldest matching event of `events` (newest first, as X lists them), or nil. The oldest:
    /// when the same reply was posted twice already, the first one is the command's.
    ///
    /// `mediaId`: the media the attempt posted with. A reply without text matches only an event
    /// carrying that media (any DM of media alone would match an empty text); with text, the
    /// text decides, as X may list a DM's media under another key.
    public func find(in events: [DMEvent], account: String, text: String, since: Date, mediaId: String? = nil) -> DMEvent? {
        let floor = floor(since: since)
        let mediaAlone = text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
        return events.last { event in
            guard event.senderId == account, Self.sameText(event.text, text), event.createdAt.map({ $0 >= floor }) ?? true else { return false }
            guard mediaAlone else { return true }
            guard let mediaId else { return false }
            return event.mediaKeys.contains { Self.mediaKey($0, names: mediaId) }
        }
    }

    /// X's media keys read `<type>_<media id>` (`3_1880028106020515840`).
    static func mediaKey(_ key: String, names mediaId: String) -> Bool {
        key == mediaId || key.hasSuffix("_\(mediaId)")
    }

    /// Whether the events reach back past `since`, so older pages cannot hold a match.
    public func coversSince(_ events: [DMEvent], since: Date) -> Bool {
        let floor = floor(since: since)
        return events.contains { ($0.createdAt ?? .distantFuture) < floor }
    }

    /// X normalises DM text to NFC and may trim it: compare the same way.
    static func sameText(_ posted: String, _ sent: String) -> Bool {
        posted == sent
            || posted.precomposedStringWithCanonicalMapping.trimmingCharacters(in: .whitespacesAndNewlines)
                == sent.precomposedStringWithCanonicalMapping.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
