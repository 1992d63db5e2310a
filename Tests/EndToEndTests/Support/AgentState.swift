import Foundation

/// What the agent (Tests/EndToEndTests/agent.php) stored: the stand-in for Kiamo's store of the
/// bags `fetch()` returned and of the replies `send()` accepted. Written atomically by the agent
/// after every step, so a read sees one whole state.
struct AgentState: Decodable, Sendable {
    /// A Kiamo message as `fetch()` added it to the bag.
    struct Message: Decodable, Sendable, Hashable {
        let id: String
        let createdAt: Int
        let senderId: String
        let senderName: String
        let content: String
    }

    /// A reply `send()` accepted (the broker confirmed its command).
    struct Reply: Decodable, Sendable, Hashable {
        /// The id of the message it answers.
        let message: String
        /// The send command's id (its `message_id`, and the report's `commandId`).
        let command: String
        /// The customer's user id.
        let to: String
        let text: String
    }

    /// Every message `fetch()` handed over, in order; never deduplicated by the agent.
    let received: [Message]
    /// Messages not answered yet.
    let pending: [String]
    let replies: [Reply]
    /// Messages whose reply may have been queued twice: a process died inside `send()`, or
    /// `send()` failed with an outcome the connector documents as unknown.
    let uncertain: [String]
    /// Processes that have run on this state.
    let incarnations: Int
    /// The field names of each received message, in order (Kiamo's bag takes exactly five).
    private(set) var fieldNames: [Set<String>] = []

    private enum CodingKeys: String, CodingKey {
        case received, pending, replies, uncertain, incarnations
    }

    /// The state in `path`, or nil before the agent first stored one.
    static func read(_ path: String) throws -> AgentState? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        var state = try JSONDecoder().decode(AgentState.self, from: data)
        let raw = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        state.fieldNames = (raw?["received"] as? [[String: Any]] ?? []).map { Set($0.keys) }
        return state
    }
}
