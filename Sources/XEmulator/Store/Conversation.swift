/// A DM conversation: one-to-one (`"<smaller id>-<larger id>"`) or a group (a numeric id), its
/// current participants and its events.
struct Conversation: Sendable {
    let id: String
    let isGroup: Bool
    var participants: Set<UInt64>
    var timeline = Timeline()

    /// X's one-to-one conversation id: the two user ids, smaller first, joined by `-`.
    static func oneToOneID(_ a: UInt64, _ b: UInt64) -> String {
        "\(min(a, b))-\(max(a, b))"
    }
}
