/// What a DM read copied out of the store under the lock, so encoding happens without it.
struct DMSnapshot: Sendable {
    var events: [DMEvent]
    /// Users the expansions name, in order of first appearance.
    var users: [EmulatorUser]
    /// Media the expansions name, in order of first appearance, with the DM that first named it
    /// (media URLs are per DM: `/2/dm_conversations/media/:dm_id/...`).
    var media: [(item: MediaItem, dmID: UInt64)]
    var nextToken: String?
    var previousToken: String?

    /// Reads a page of `timeline` and what its expansions need.
    static func read(_ timeline: Timeline?, options: DMListOptions, oldestVisibleID: UInt64, state: EmulatorState) -> DMSnapshot {
        guard let timeline else { return DMSnapshot(events: [], users: [], media: []) }
        let page = timeline.page(Timeline.Query(kinds: options.kinds, limit: options.maxResults, token: options.token, oldestVisibleID: oldestVisibleID))
        var snapshot = expand(page.events, options: options, state: state)
        if page.hasOlder, let last = page.events.last { snapshot.nextToken = PageToken(direction: .older, anchor: last.id).encoded }
        if page.hasNewer, let first = page.events.first { snapshot.previousToken = PageToken(direction: .newer, anchor: first.id).encoded }
        return snapshot
    }

    /// The events with their expanded users and media.
    static func expand(_ events: [DMEvent], options: DMListOptions, state: EmulatorState) -> DMSnapshot {
        var users: [EmulatorUser] = []
        var media: [(item: MediaItem, dmID: UInt64)] = []
        if options.expandSenders || options.expandParticipants || options.expandMedia {
            var seenUsers = Set<UInt64>()
            var seenMedia = Set<String>()
            func addUser(_ id: UInt64) {
                guard id != 0, seenUsers.insert(id).inserted, let user = state.directory.user(id) else { return }
                users.append(user)
            }
            for event in events {
                if options.expandSenders { addUser(event.senderID) }
                if options.expandParticipants { event.participantIDs.forEach(addUser) }
                if options.expandMedia {
                    for key in event.mediaKeys where seenMedia.insert(key).inserted {
                        if let item = state.media[key] { media.append((item, event.id)) }
                    }
                }
            }
        }
        return DMSnapshot(events: events, users: users, media: media)
    }
}
