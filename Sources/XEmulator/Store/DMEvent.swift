/// One stored DM event, immutable once created, with its v2 JSON fields encoded once so that a
/// page of a hundred events is a copy of bytes rather than a hundred encodings.
final class DMEvent: Sendable {
    let id: UInt64
    let kind: DMEventKind
    let createdAtMilliseconds: Int64
    let conversationID: String
    /// The author of a message, or whoever caused a join/leave (`0` when unknown).
    let senderID: UInt64
    /// The other participant of a one-to-one message; `nil` in a group.
    let recipientID: UInt64?
    /// Who joined or left (join/leave events only).
    let participantIDs: [UInt64]
    let text: String
    let mediaKeys: [String]
    let entities: DMText.Entities

    /// `"name":value` of every field this event has, back to back; `slots[field.rawValue]` says
    /// where each one is (an empty range when the event has no such field).
    private let fragments: [UInt8]
    private let slots: [Range<Int>]

    var idString: String { String(id) }
    var isOneToOne: Bool { recipientID != nil }

    init(
        id: UInt64,
        kind: DMEventKind,
        createdAtMilliseconds: Int64,
        conversationID: String,
        senderID: UInt64,
        recipientID: UInt64?,
        participantIDs: [UInt64],
        text: String,
        mediaKeys: [String]
    ) {
        self.id = id
        self.kind = kind
        self.createdAtMilliseconds = createdAtMilliseconds
        self.conversationID = conversationID
        self.senderID = senderID
        self.recipientID = recipientID
        self.participantIDs = participantIDs
        self.text = text
        self.mediaKeys = mediaKeys
        self.entities = kind == .messageCreate ? DMText.entities(text) : DMText.Entities()

        var writer = JSONWriter(capacity: 160 + text.utf8.count)
        var slots = [Range<Int>](repeating: 0..<0, count: DMEventField.allCases.count)
        func slot(_ field: DMEventField, _ write: (inout JSONWriter) -> Void) {
            let start = writer.bytes.count
            writer.key(field.name)
            write(&writer)
            slots[field.rawValue] = start..<writer.bytes.count
        }
        slot(.id) { $0.string(String(id)) }
        slot(.eventType) { $0.string(kind.rawValue) }
        if kind == .messageCreate { slot(.text) { $0.string(text) } }
        slot(.createdAt) { $0.string(XTimestamp.iso8601(milliseconds: createdAtMilliseconds)) }
        if senderID != 0 { slot(.senderID) { $0.string(String(senderID)) } }
        slot(.conversationID) { $0.string(conversationID) }
        if !participantIDs.isEmpty {
            slot(.participantIDs) { writer in
                writer.byte(UInt8(ascii: "["))
                for (index, participant) in participantIDs.enumerated() {
                    if index > 0 { writer.byte(UInt8(ascii: ",")) }
                    writer.string(String(participant))
                }
                writer.byte(UInt8(ascii: "]"))
            }
        }
        if !mediaKeys.isEmpty {
            slot(.attachments) { writer in
                writer.raw("{\"media_keys\":[")
                for (index, key) in mediaKeys.enumerated() {
                    if index > 0 { writer.byte(UInt8(ascii: ",")) }
                    writer.string(key)
                }
                writer.raw("]}")
            }
        }
        let entities = self.entities
        if !entities.isEmpty { slot(.entities) { Self.writeEntities(entities, to: &$0) } }
        self.fragments = writer.bytes
        self.slots = slots
    }

    /// Appends `{...}` with the fields of `fields` this event has, in `DMEventField` order.
    func writeV2(fields: [DMEventField], to writer: inout JSONWriter) {
        writer.byte(UInt8(ascii: "{"))
        var first = true
        for field in fields {
            let range = slots[field.rawValue]
            if range.isEmpty { continue }
            if !first { writer.byte(UInt8(ascii: ",")) }
            first = false
            fragments.withUnsafeBufferPointer { writer.raw(UnsafeBufferPointer(rebasing: $0[range])) }
        }
        writer.byte(UInt8(ascii: "}"))
    }

    private static func writeEntities(_ entities: DMText.Entities, to writer: inout JSONWriter) {
        var members: [(String, JSONValue)] = []
        func tags(_ list: [DMText.Entities.Tag], key: String) -> JSONValue {
            .array(list.map { .object([("start", .integer(Int64($0.start))), ("end", .integer(Int64($0.end))), (key, .string($0.text))]) })
        }
        if !entities.hashtags.isEmpty { members.append(("hashtags", tags(entities.hashtags, key: "tag"))) }
        if !entities.cashtags.isEmpty { members.append(("cashtags", tags(entities.cashtags, key: "tag"))) }
        if !entities.mentions.isEmpty { members.append(("mentions", tags(entities.mentions, key: "username"))) }
        if !entities.urls.isEmpty {
            members.append(
                (
                    "urls",
                    .array(
                        entities.urls.map {
                            .object([
                                ("start", .integer(Int64($0.start))), ("end", .integer(Int64($0.end))), ("url", .string($0.text)),
                                ("expanded_url", .string($0.text)), ("display_url", .string(Self.displayURL($0.text))),
                            ])
                        })
                ))
        }
        JSONValue.object(members).write(to: &writer)
    }

    static func displayURL(_ url: String) -> String {
        var display = url
        for prefix in ["https://", "http://"] where display.hasPrefix(prefix) { display.removeFirst(prefix.count) }
        return display
    }
}
