/// The kinds of DM event X lists (`event_type`).
enum DMEventKind: String, Sendable, CaseIterable {
    case messageCreate = "MessageCreate"
    case participantsJoin = "ParticipantsJoin"
    case participantsLeave = "ParticipantsLeave"
}
