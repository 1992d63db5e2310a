import Foundation
import XAPI

/// Finds, among a conversation's recent events, the DM an earlier attempt may have posted: one
/// from the account, with the same text, created at or after the moment that attempt began.
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
    public func find(in events: [DMEvent], account: String, text: String, since: Date) -> DMEvent? {
        let floor = floor(since: since)
        return events.last { event in
            event.senderId == account && Self.sameText(event.text, text) && (event.createdAt.map { $0 >= floor } ?? true)
        }
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
