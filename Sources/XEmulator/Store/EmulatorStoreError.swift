/// Why the control API, a seed or a store call refused its input; the description says what to fix.
public enum EmulatorStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidUserID(String)
    case invalidUsername(String)
    case unknownUser(String)
    case usernameTaken(username: String, byID: String)
    case sameSenderAndRecipient(String)
    case emptyMessage
    case textTooLong(length: Int)
    case unknownConversation(String)
    case notAParticipant(user: String, conversation: String)
    case invalidAttachment(String)
    case invalidEventType(String)
    case invalidTime(String)
    case invalidRequest(String)

    public var description: String {
        switch self {
        case .invalidUserID(let id): "user id \"\(id)\" is not 1 to 19 digits"
        case .invalidUsername(let name): "username \"\(name)\" is not 1 to 15 of A-Z a-z 0-9 _"
        case .unknownUser(let id): "no user \(id): add it first with POST /_emulator/users (or in the seed's users)"
        case .usernameTaken(let username, let id): "username \(username) already belongs to user \(id)"
        case .sameSenderAndRecipient(let id): "a DM from \(id) to itself: give a different recipient"
        case .emptyMessage: "a DM needs a text or an attachment"
        case .textTooLong(let length): "text has \(length) characters; X allows \(DMText.maximumLength)"
        case .unknownConversation(let id): "no conversation \(id)"
        case .notAParticipant(let user, let conversation): "user \(user) is not a participant of conversation \(conversation)"
        case .invalidAttachment(let why): "bad attachment: \(why)"
        case .invalidEventType(let type): "event type \"\(type)\" is not MessageCreate, ParticipantsJoin or ParticipantsLeave"
        case .invalidTime(let text): "time \"\(text)\" is not ISO 8601 (e.g. 2026-07-01T10:00:00Z) or Unix milliseconds"
        case .invalidRequest(let why): why
        }
    }
}
