import Foundation

/// Everything that changes while the emulator runs. A plain value: `EmulatorStore` keeps it
/// behind one mutex, and every method here runs with that mutex held, so none of them waits.
struct EmulatorState: Sendable {
    var directory = UserDirectory()
    var events = EventLog()
    var media: [String: MediaItem] = [:]
    /// Media id → media key, for the endpoints that name media by id.
    var mediaKeyByID: [UInt64: String] = [:]
    /// Chunked uploads between initialize and finalize, by media id.
    var uploads: [UInt64: MediaUpload] = [:]
    var sent: [SentDirectMessage] = []
    var stats = EmulatorStats()
    var faults: [EmulatorFault] = []
    var auth = AuthState()
    var limits = RateLimiter()
    var ids = IDGenerator()
    var push = PushState()

    // MARK: Users

    func requireUser(_ id: String) throws(EmulatorStoreError) -> UInt64 {
        guard let numeric = EmulatorUser.numericID(id) else { throw .invalidUserID(id) }
        guard directory.user(numeric) != nil else { throw .unknownUser(id) }
        return numeric
    }

    mutating func newUserID(nowMilliseconds: Int64) -> String {
        String(ids.next(milliseconds: nowMilliseconds))
    }

    // MARK: DMs

    /// Stores attachments as media and returns their keys.
    mutating func storeMedia(_ attachments: [DMAttachment], milliseconds: Int64) throws(EmulatorStoreError) -> [String] {
        guard attachments.count <= 1 else { throw .invalidAttachment("X allows one attachment per DM") }
        return try attachments.map { (attachment) throws(EmulatorStoreError) -> String in
            let content = try attachment.content()
            let item = MediaItem(
                mediaID: ids.next(milliseconds: milliseconds), type: attachment.type, content: content, givenURL: attachment.url,
                width: attachment.width, height: attachment.height, altText: attachment.altText)
            insertMedia(item)
            return item.mediaKey
        }
    }

    /// Stores a media object under its key and its id.
    mutating func insertMedia(_ item: MediaItem) {
        media[item.mediaKey] = item
        mediaKeyByID[item.mediaID] = item.mediaKey
    }

    /// The media object with that id, or `nil`.
    func media(id: UInt64) -> MediaItem? {
        mediaKeyByID[id].flatMap { media[$0] }
    }

    /// Creates a one-to-one message; ids come from `createdAt`, so an older time gives a smaller
    /// id that still shows up now.
    mutating func postMessage(from sender: UInt64, to recipient: UInt64, text: String, mediaKeys: [String], createdAt: Int64) throws(EmulatorStoreError) -> DMEvent {
        guard sender != recipient else { throw .sameSenderAndRecipient(String(sender)) }
        guard directory.user(sender) != nil else { throw .unknownUser(String(sender)) }
        guard directory.user(recipient) != nil else { throw .unknownUser(String(recipient)) }
        guard !text.isEmpty || !mediaKeys.isEmpty else { throw .emptyMessage }
        let length = DMText.length(text)
        guard length <= DMText.maximumLength else { throw .textTooLong(length: length) }
        let conversation = events.oneToOne(sender, recipient)
        let event = DMEvent(
            id: ids.next(milliseconds: createdAt), kind: .messageCreate, createdAtMilliseconds: createdAt,
            conversationID: conversation, senderID: sender, recipientID: recipient, participantIDs: [],
            text: text, mediaKeys: mediaKeys)
        events.add(event)
        notePushed(event)
        return event
    }

    /// Creates a message in a group conversation the sender belongs to.
    mutating func postGroupMessage(from sender: UInt64, conversation: String, text: String, mediaKeys: [String], createdAt: Int64) throws(EmulatorStoreError) -> DMEvent {
        guard let group = events.conversations[conversation] else { throw .unknownConversation(conversation) }
        if !group.isGroup {
            let other = group.participants.first { $0 != sender }
            guard group.participants.contains(sender), let other else { throw .notAParticipant(user: String(sender), conversation: conversation) }
            return try postMessage(from: sender, to: other, text: text, mediaKeys: mediaKeys, createdAt: createdAt)
        }
        guard group.participants.contains(sender) else { throw .notAParticipant(user: String(sender), conversation: conversation) }
        guard !text.isEmpty || !mediaKeys.isEmpty else { throw .emptyMessage }
        let length = DMText.length(text)
        guard length <= DMText.maximumLength else { throw .textTooLong(length: length) }
        let event = DMEvent(
            id: ids.next(milliseconds: createdAt), kind: .messageCreate, createdAtMilliseconds: createdAt,
            conversationID: conversation, senderID: sender, recipientID: nil, participantIDs: [],
            text: text, mediaKeys: mediaKeys)
        events.add(event)
        notePushed(event)
        return event
    }

    /// Creates a group conversation (an id of 19 digits unless given) with its participants.
    mutating func createGroup(id: String?, participants: [UInt64], nowMilliseconds: Int64) throws(EmulatorStoreError) -> String {
        let groupID = id ?? String(ids.next(milliseconds: nowMilliseconds))
        guard groupID.utf8.count >= 15, EmulatorUser.numericID(groupID) != nil else {
            throw .invalidRequest("group conversation id \"\(groupID)\" is not 15 to 19 digits")
        }
        for participant in participants where directory.user(participant) == nil { throw .unknownUser(String(participant)) }
        events.createGroup(id: groupID, participants: Set(participants))
        return groupID
    }

    /// A `ParticipantsJoin` or `ParticipantsLeave` event of a group.
    mutating func postParticipants(kind: DMEventKind, conversation: String, participants: [UInt64], by sender: UInt64?, createdAt: Int64) throws(EmulatorStoreError) -> DMEvent {
        guard kind != .messageCreate else { throw .invalidEventType(kind.rawValue) }
        guard let group = events.conversations[conversation], group.isGroup else { throw .unknownConversation(conversation) }
        guard !participants.isEmpty else { throw .invalidRequest("a \(kind.rawValue) event needs participants") }
        for participant in participants where directory.user(participant) == nil { throw .unknownUser(String(participant)) }
        let event = DMEvent(
            id: ids.next(milliseconds: createdAt), kind: kind, createdAtMilliseconds: createdAt,
            conversationID: conversation, senderID: sender ?? 0, recipientID: nil, participantIDs: participants,
            text: "", mediaKeys: [])
        events.add(event)
        return event
    }

    /// `count` messages from `senders` generated customers, round-robin, to `recipient`.
    mutating func bulk(count: Int, senders: Int, to recipient: UInt64, createdAt: Int64) throws(EmulatorStoreError) -> BulkResult {
        guard (1...1_000_000).contains(count) else { throw .invalidRequest("count must be from 1 to 1000000") }
        guard (1...100_000).contains(senders) else { throw .invalidRequest("senders must be from 1 to 100000") }
        guard directory.user(recipient) != nil else { throw .unknownUser(String(recipient)) }
        var senderIDs: [UInt64] = []
        for number in 1...senders {
            let username = "customer\(number)"
            if let existing = directory.user(username: username) {
                senderIDs.append(UInt64(existing.id) ?? 0)
                continue
            }
            let id = ids.next(milliseconds: createdAt)
            try directory.upsert(EmulatorUser(id: String(id), name: "Customer \(number)", username: username))
            senderIDs.append(id)
        }
        var batch: [DMEvent] = []
        batch.reserveCapacity(count)
        let conversations = senderIDs.map { events.oneToOne($0, recipient) }
        for index in 0..<count {
            let slot = index % senders
            batch.append(
                DMEvent(
                    id: ids.next(milliseconds: createdAt), kind: .messageCreate, createdAtMilliseconds: createdAt,
                    conversationID: conversations[slot], senderID: senderIDs[slot], recipientID: recipient, participantIDs: [],
                    text: "Bulk message \(index + 1) from customer \(slot + 1)", mediaKeys: []))
        }
        events.addBatch(batch)
        return BulkResult(created: count, senders: senderIDs.map(String.init), firstID: batch.first.map(\.idString), lastID: batch.last.map(\.idString))
    }

    // MARK: Reset

    mutating func reset(_ options: ResetOptions, configuration: EmulatorConfiguration) {
        events = EventLog()
        // Webhooks and subscriptions are the app's registration and stay, as tokens and users do.
        push.pending = []
        media = [:]
        mediaKeyByID = [:]
        uploads = [:]
        sent = []
        stats = EmulatorStats()
        faults = []
        auth.clearNonces()
        limits.clear()
        if options.users {
            directory.keepOnly(Set(configuration.accounts.compactMap { EmulatorUser.numericID($0.id) }))
        }
        if options.tokens {
            auth.revokeAll()
            installInitialRefreshTokens(configuration)
        }
    }

    mutating func installInitialRefreshTokens(_ configuration: EmulatorConfiguration) {
        for account in configuration.accounts {
            guard let token = account.refreshToken, let id = EmulatorUser.numericID(account.id) else { continue }
            auth.addRefresh(token, grant: AuthState.RefreshGrant(userID: id, scopes: account.scopes))
        }
    }
}
