/// A customer the emulator knows: who writes to the account in the conversation.
struct Customer: Sendable, Hashable {
    /// Position in `ConversationScript.customers`.
    let index: Int
    let id: String
    let name: String
    let username: String

    /// What Kiamo's `senderName` must say: the original's `name@username`.
    var senderName: String { "\(name)@\(username)" }
}
