import KiamoTwitter
import XAPI

/// DM events turned into the Kiamo messages ingest would publish, oldest first, and the events it
/// would not publish with the reason: what `read`, `map` and numbered test 02 print. Pure.
public struct MappedEvents: Sendable, Encodable {
    /// An event left out, and why.
    public struct Skipped: Sendable, Encodable, Hashable {
        var id: String
        var reason: String
    }

    var messages: [KiamoMessage]
    var skipped: [Skipped]

    /// Maps `events` (any order, duplicates allowed) with `senders` by user id; a sender missing
    /// from `senders` is named by its id, as ingest does.
    public init(events: [DMEvent], senders: [String: XUser], media: [XMedia], mapper: KiamoMessageMapper, undecodable: [UndecodableEvent] = []) {
        let mediaByKey = Dictionary(media.map { ($0.mediaKey, $0) }) { first, _ in first }
        var seen: Set<String> = []
        var messages: [(UInt64, KiamoMessage)] = []
        var skipped: [Skipped] = undecodable.map { Skipped(id: $0.id ?? "#\($0.index)", reason: "cannot be read: \($0.field): \($0.reason)") }
        for event in events where seen.insert(event.id).inserted {
            if let reason = mapper.skipReason(event) {
                skipped.append(Skipped(id: event.id, reason: reason.description))
                continue
            }
            let message = mapper.buildMessageRecord(event, sender: senders[event.senderId ?? ""], media: mediaByKey)
            messages.append((Snowflake.parse(event.id) ?? 0, message))
        }
        self.messages = messages.sorted { $0.0 < $1.0 }.map(\.1)
        self.skipped = skipped
    }
}
