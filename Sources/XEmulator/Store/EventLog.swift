/// Every DM event, indexed the ways the API reads them: by id, per participant (the
/// authenticated user's list), and per conversation.
struct EventLog: Sendable {
    private(set) var byID: [UInt64: DMEvent] = [:]
    private(set) var timelines: [UInt64: Timeline] = [:]
    private(set) var conversations: [String: Conversation] = [:]

    /// The conversation, creating a one-to-one one on first use.
    mutating func oneToOne(_ a: UInt64, _ b: UInt64) -> String {
        let id = Conversation.oneToOneID(a, b)
        if conversations[id] == nil { conversations[id] = Conversation(id: id, isGroup: false, participants: [a, b]) }
        return id
    }

    mutating func createGroup(id: String, participants: Set<UInt64>) {
        if conversations[id] == nil { conversations[id] = Conversation(id: id, isGroup: true, participants: participants) }
    }

    /// Stores an event in its conversation and in the list of everyone it concerns: the current
    /// participants, plus those joining or leaving with it.
    mutating func add(_ event: DMEvent) {
        byID[event.id] = event
        guard var conversation = conversations.removeValue(forKey: event.conversationID) else { return }
        let joiners = Set(event.participantIDs)
        if event.kind == .participantsJoin { conversation.participants.formUnion(joiners) }
        let audience = conversation.participants.union(joiners)
        if event.kind == .participantsLeave { conversation.participants.subtract(joiners) }
        conversation.timeline.insert(event)
        conversations[event.conversationID] = conversation
        for user in audience { timelines[user, default: Timeline()].insert(event) }
    }

    /// Adds many one-to-one messages of one conversation pair set at once (bulk seeding).
    mutating func addBatch(_ events: [DMEvent]) {
        var perUser: [UInt64: [DMEvent]] = [:]
        var perConversation: [String: [DMEvent]] = [:]
        for event in events {
            byID[event.id] = event
            perConversation[event.conversationID, default: []].append(event)
            if let conversation = conversations[event.conversationID] {
                for user in conversation.participants { perUser[user, default: []].append(event) }
            }
        }
        for (id, batch) in perConversation { conversations[id]?.timeline.insert(contentsOf: batch) }
        for (user, batch) in perUser { timelines[user, default: Timeline()].insert(contentsOf: batch) }
    }

    func timeline(of user: UInt64) -> Timeline? { timelines[user] }
}
