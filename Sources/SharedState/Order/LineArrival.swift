/// A command that arrived in a dispatch process, to take its place in its recipient's line
/// (`StateStore.joinLines`).
public struct LineArrival: Sendable, Hashable {
    public var account: String
    public var recipient: String
    public var commandId: String

    /// An arrival.
    public init(account: String, recipient: String, commandId: String) {
        self.account = account
        self.recipient = recipient
        self.commandId = commandId
    }
}
