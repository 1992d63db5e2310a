import Foundation

/// The v2 DM endpoints: the lists (all events, one conversation), one event, and the sends.
struct V2DirectMessages: Sendable {
    let store: EmulatorStore

    private var configuration: EmulatorConfiguration { store.configuration }

    /// Events below this id are older than the history window (30 days).
    private func oldestVisibleID(now: Date) -> UInt64 {
        Snowflake.lowerBound(milliseconds: XTimestamp.milliseconds(now.addingTimeInterval(-configuration.historyWindow.seconds)))
    }

    /// `GET /2/dm_events`, `GET /2/dm_conversations/with/:participant_id/dm_events`,
    /// `GET /2/dm_conversations/:id/dm_events`.
    func list(_ request: EmulatorRequest, route: Route, caller: UInt64) throws(Refusal) -> EmulatorResponse {
        let values = try V2Vocabulary.parameters(request, allowed: V2Vocabulary.dmListParameters).get()
        var problems: [XErrors.Invalid] = []
        var conversation: String?
        switch route {
        case .eventsWithParticipant(let participant):
            if let problem = V2Vocabulary.numericPathParameter("participant_id", participant) {
                problems.append(problem)
            } else if let other = EmulatorUser.numericID(participant) {
                conversation = Conversation.oneToOneID(caller, other)
            }
        case .eventsInConversation(let id):
            if !Self.isConversationID(id) {
                problems.append(XErrors.Invalid("id", id, "The `id` path parameter value [\(id)] does not match ^([0-9]{1,19}-[0-9]{1,19}|[0-9]{15,19})$"))
            }
            conversation = id
        default:
            break
        }
        if !problems.isEmpty { throw Refusal(XErrors.invalidRequest(problems)) }
        let options = try DMListOptions.parse(values, paging: true).get()
        let oldest = oldestVisibleID(now: configuration.clock.now())
        let snapshot = store.withState { state -> DMSnapshot in
            let timeline: Timeline?
            if let conversation {
                let record = state.events.conversations[conversation]
                timeline = record.flatMap { $0.participants.contains(caller) || Self.wasMember(caller, of: $0, in: state) ? $0.timeline : nil }
            } else {
                timeline = state.events.timeline(of: caller)
            }
            return DMSnapshot.read(timeline, options: options, oldestVisibleID: oldest, state: state)
        }
        return .json(200, bytes: V2Encoder.page(snapshot, options: options, baseURL: request.baseURL))
    }

    /// `GET /2/dm_events/:event_id`: the event when the caller can see it, else 200 with X's
    /// `resource-not-found` in `errors`.
    func event(_ request: EmulatorRequest, id: String, caller: UInt64) throws(Refusal) -> EmulatorResponse {
        let values = try V2Vocabulary.parameters(request, allowed: V2Vocabulary.dmEventParameters).get()
        if let problem = V2Vocabulary.numericPathParameter("event_id", id) { throw Refusal(XErrors.invalidRequest(problem)) }
        let options = try DMListOptions.parse(values, paging: false).get()
        let eventID = EmulatorUser.numericID(id) ?? 0
        let snapshot = store.withState { state -> DMSnapshot? in
            guard let timeline = state.events.timeline(of: caller) else { return nil }
            let index = timeline.lowerBound(eventID)
            guard index < timeline.events.count, timeline.events[index].id == eventID else { return nil }
            return DMSnapshot.expand([timeline.events[index]], options: options, state: state)
        }
        guard let snapshot else {
            return .json(
                200,
                .object([
                    (
                        "errors",
                        .array([
                            XErrors.notFound(
                                resourceType: "dm_event", parameter: "event_id", value: id, detail: "Could not find dm_event with event_id: [\(id)].")
                        ])
                    )
                ]))
        }
        return .json(200, bytes: V2Encoder.single(snapshot, options: options, baseURL: request.baseURL))
    }

    /// `POST /2/dm_conversations/with/:participant_id/messages` and
    /// `POST /2/dm_conversations/:dm_conversation_id/messages`.
    func send(_ request: EmulatorRequest, route: Route, caller: UInt64) throws(Refusal) -> EmulatorResponse {
        _ = try V2Vocabulary.parameters(request, allowed: []).get()
        let message = try Self.parseBody(request)
        let now = configuration.clock.now()
        let created = XTimestamp.milliseconds(now)
        let seconds = now.timeIntervalSince1970
        return try store.withState { (state: inout EmulatorState) throws(Refusal) -> EmulatorResponse in
            let event: DMEvent
            var keys: [String] = []
            do {
                switch route {
                case .sendToParticipant(let participant):
                    if let problem = V2Vocabulary.numericPathParameter("participant_id", participant) { throw Refusal(XErrors.invalidRequest(problem)) }
                    let recipient = EmulatorUser.numericID(participant) ?? 0
                    guard recipient != caller else {
                        throw Refusal(XErrors.invalidRequest(XErrors.Invalid("participant_id", participant, "You cannot send a Direct Message to yourself")))
                    }
                    guard let user = state.directory.user(recipient) else {
                        throw Refusal(XErrors.invalidRequest(XErrors.Invalid("participant_id", participant, "The `participant_id` [\(participant)] is not a valid user")))
                    }
                    guard user.acceptsDirectMessages else {
                        throw Refusal(XErrors.blank(403, detail: "You are not permitted to send Direct Messages to this user."))
                    }
                    keys = try Self.mediaKeys(message.mediaIDs, state: state, sender: caller, now: seconds)
                    event = try state.postMessage(from: caller, to: recipient, text: message.text, mediaKeys: keys, createdAt: created)
                case .sendToConversation(let conversation):
                    guard Self.isConversationID(conversation) else {
                        throw Refusal(
                            XErrors.invalidRequest(
                                XErrors.Invalid("dm_conversation_id", conversation, "The `dm_conversation_id` path parameter value [\(conversation)] is not a valid conversation id")))
                    }
                    guard let record = state.events.conversations[conversation], record.participants.contains(caller) else {
                        throw Refusal(XErrors.blank(403, detail: "You are not permitted to send Direct Messages to this conversation."))
                    }
                    if !record.isGroup, let other = record.participants.first(where: { $0 != caller }), state.directory.user(other)?.acceptsDirectMessages == false {
                        throw Refusal(XErrors.blank(403, detail: "You are not permitted to send Direct Messages to this user."))
                    }
                    keys = try Self.mediaKeys(message.mediaIDs, state: state, sender: caller, now: seconds)
                    event = try state.postGroupMessage(from: caller, conversation: conversation, text: message.text, mediaKeys: keys, createdAt: created)
                default:
                    throw Refusal(XErrors.blank(404))
                }
            } catch let error as EmulatorStoreError {
                throw Refusal(XErrors.invalidRequest(XErrors.Invalid(message: error.description)))
            } catch let refusal as Refusal {
                throw refusal
            } catch {
                throw Refusal(XErrors.blank(500))
            }
            state.recordUse(of: keys)
            state.sent.append(
                SentDirectMessage(
                    account: String(caller), recipientID: event.recipientID.map(String.init) ?? event.conversationID,
                    conversationID: event.conversationID, dmEventID: event.idString, text: event.text,
                    mediaIDs: message.mediaIDs, createdAt: now, api: "v2"))
            state.stats.dmsSent += 1
            return .json(
                201,
                .object([
                    (
                        "data",
                        .object([
                            ("dm_conversation_id", .string(event.conversationID)), ("dm_event_id", .string(event.idString)),
                        ])
                    )
                ]))
        }
    }

    /// The body of a send, checked against `CreateDirectMessagesByParticipantIdRequest`.
    struct Message: Sendable {
        var text: String
        var mediaIDs: [String]
    }

    static func parseBody(_ request: EmulatorRequest) throws(Refusal) -> Message {
        guard request.mediaType == "application/json" else {
            throw Refusal(XErrors.invalidRequest(XErrors.Invalid(message: "The request body must be JSON with Content-Type: application/json")))
        }
        guard let body = JSONValue.parse(request.body) else {
            throw Refusal(XErrors.invalidRequest(XErrors.Invalid(message: "Requested body is not valid JSON")))
        }
        guard let keys = body.objectKeys else {
            throw Refusal(XErrors.invalidRequest(XErrors.Invalid(message: "Requested body must be a JSON object")))
        }
        var problems: [XErrors.Invalid] = []
        for key in keys where key != "text" && key != "attachments" {
            problems.append(XErrors.Invalid(key, "", "[\(key)] is not one of [text,attachments]"))
        }
        var text = ""
        if let value = body["text"] {
            if let string = value.stringValue, !string.isEmpty {
                text = string
                let length = DMText.length(string)
                if length > DMText.maximumLength {
                    problems.append(XErrors.Invalid("text", String(length), "[text] must be at most \(DMText.maximumLength) characters; it has \(length)"))
                }
            } else {
                problems.append(XErrors.Invalid("text", "", "[text] must be a non-empty string"))
            }
        }
        var mediaIDs: [String] = []
        if let value = body["attachments"] {
            if let items = value.arrayValue {
                if items.count > 1 { problems.append(XErrors.Invalid(message: "[attachments] may hold one attachment")) }
                for item in items {
                    guard let itemKeys = item.objectKeys, itemKeys == ["media_id"], let id = item["media_id"]?.stringValue,
                        EmulatorUser.numericID(id) != nil
                    else {
                        problems.append(XErrors.Invalid(message: "[attachments] items must be {\"media_id\": \"<digits>\"}"))
                        continue
                    }
                    mediaIDs.append(id)
                }
            } else {
                problems.append(XErrors.Invalid(message: "[attachments] must be an array"))
            }
        }
        if body["text"] == nil && (body["attachments"]?.arrayValue?.isEmpty ?? true) {
            problems.append(XErrors.Invalid(message: "One of [text, attachments] is required"))
        }
        if !problems.isEmpty { throw Refusal(XErrors.invalidRequest(problems)) }
        return Message(text: text, mediaIDs: mediaIDs)
    }

    /// The media keys of the attachments, or X's refusal of the media: it must be media the
    /// sender uploaded (or was named an additional owner of) with a `dm_*` category, less than a
    /// day ago, processed, and not attached to a DM already unless uploaded `shared`.
    static func mediaKeys(_ ids: [String], state: EmulatorState, sender: UInt64, now: Double) throws(Refusal) -> [String] {
        switch state.attachableMedia(ids, sender: sender, now: now) {
        case .success(let keys): return keys
        case .failure(let refusal): throw Refusal(XErrors.invalidRequest(XErrors.Invalid("attachments.media_id", refusal.mediaID, refusal.description)))
        }
    }

    /// `^([0-9]{1,19}-[0-9]{1,19}|[0-9]{15,19})$`, the schema's conversation id.
    static func isConversationID(_ id: String) -> Bool {
        let parts = id.split(separator: "-", omittingEmptySubsequences: false)
        if parts.count == 2 { return parts.allSatisfy { EmulatorUser.numericID(String($0)) != nil } }
        return parts.count == 1 && id.utf8.count >= 15 && EmulatorUser.numericID(id) != nil
    }

    /// Whether `user` left a group (its events before leaving stay theirs to read).
    private static func wasMember(_ user: UInt64, of conversation: Conversation, in state: EmulatorState) -> Bool {
        conversation.isGroup && conversation.timeline.events.contains { $0.participantIDs.contains(user) }
    }
}
