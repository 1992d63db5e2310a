import Foundation

/// The legacy v1.1 dialect the original sample speaks: events list / show / new and users/show,
/// with v1.1's shapes and `{"errors":[{"code","message"}]}` errors. Unknown query parameters are
/// ignored, as v1.1 ignores them (they still count in the OAuth 1.0a signature).
struct V1DirectMessages: Sendable {
    let store: EmulatorStore

    private var configuration: EmulatorConfiguration { store.configuration }

    /// `GET /1.1/direct_messages/events/list.json?count=&cursor=`: `count` 1 to 50 (default 20;
    /// larger values are capped at 50, as v1.1 caps them), message events of the last 30 days,
    /// newest first, `next_cursor` while more remain.
    func list(_ request: EmulatorRequest, caller: UInt64) throws(Refusal) -> EmulatorResponse {
        let values = try Self.parameters(request)
        var count = 20
        if let text = values["count"], let number = Int(text) { count = min(max(number, 1), 50) }
        var token: PageToken?
        if let cursor = values["cursor"], !cursor.isEmpty {
            guard let decoded = PageToken(cursor), decoded.direction == .older else {
                throw Refusal(XErrors.v1(400, code: 214, "cursor parameter is invalid."))
            }
            token = decoded
        }
        let now = configuration.clock.now()
        let oldest = Snowflake.lowerBound(milliseconds: XTimestamp.milliseconds(now.addingTimeInterval(-configuration.historyWindow.seconds)))
        let (page, users, media) = store.withState { state -> (Timeline.Page, [UInt64: EmulatorUser], [String: MediaItem]) in
            let page =
                state.events.timeline(of: caller)?.page(
                    Timeline.Query(
                        kinds: [.messageCreate], limit: count, token: token, oldestVisibleID: oldest, oneToOneOnly: true))
                ?? Timeline.Page(events: [], hasOlder: false, hasNewer: false)
            return (page, Self.mentionedUsers(page.events, state: state), Self.attachedMedia(page.events, state: state))
        }
        let base = request.baseURL
        var members: [(String, JSONValue)] = [("events", .array(page.events.map { Self.event(json: $0, users: users, media: media, baseURL: base) }))]
        if page.hasOlder, let last = page.events.last { members.append(("next_cursor", .string(PageToken(direction: .older, anchor: last.id).encoded))) }
        return .json(200, .object(members))
    }

    /// `GET /1.1/direct_messages/events/show.json?id=`.
    func show(_ request: EmulatorRequest, caller: UInt64) throws(Refusal) -> EmulatorResponse {
        let values = try Self.parameters(request)
        guard let id = values["id"], !id.isEmpty else { throw Refusal(XErrors.v1(400, code: 38, "id parameter is missing.")) }
        guard let eventID = EmulatorUser.numericID(id) else { throw Refusal(XErrors.v1NotFound) }
        let found = store.withState { state -> (DMEvent, [UInt64: EmulatorUser], [String: MediaItem])? in
            guard let timeline = state.events.timeline(of: caller) else { return nil }
            let index = timeline.lowerBound(eventID)
            guard index < timeline.events.count, timeline.events[index].id == eventID, timeline.events[index].isOneToOne else { return nil }
            let event = timeline.events[index]
            return (event, Self.mentionedUsers([event], state: state), Self.attachedMedia([event], state: state))
        }
        guard let (event, users, media) = found else { throw Refusal(XErrors.v1NotFound) }
        return .json(200, .object([("event", Self.event(json: event, users: users, media: media, baseURL: request.baseURL))]))
    }

    /// `POST /1.1/direct_messages/events/new.json` with the JSON event body.
    func new(_ request: EmulatorRequest, caller: UInt64) throws(Refusal) -> EmulatorResponse {
        guard request.mediaType == "application/json" else {
            throw Refusal(XErrors.v1(400, code: 214, "Content-Type must be application/json."))
        }
        guard let body = JSONValue.parse(request.body) else { throw Refusal(XErrors.v1(400, code: 214, "The request body is not valid JSON.")) }
        guard let event = body["event"], event.objectKeys != nil else { throw Refusal(XErrors.v1(400, code: 214, "event: field required but not found.")) }
        guard event["type"]?.stringValue == "message_create" else {
            throw Refusal(XErrors.v1(400, code: 214, "event.type: must be message_create."))
        }
        guard let create = event["message_create"], create.objectKeys != nil else {
            throw Refusal(XErrors.v1(400, code: 214, "event.message_create: field required but not found."))
        }
        guard let recipientText = create["target"]?["recipient_id"]?.stringValue else {
            throw Refusal(XErrors.v1(400, code: 214, "event.message_create.target.recipient_id: field required but not found."))
        }
        guard let recipient = EmulatorUser.numericID(recipientText) else {
            throw Refusal(XErrors.v1(400, code: 214, "event.message_create.target.recipient_id: '\(recipientText)' is not a valid Long."))
        }
        guard let data = create["message_data"], data.objectKeys != nil else {
            throw Refusal(XErrors.v1(400, code: 214, "event.message_create.message_data: field required but not found."))
        }
        if let text = data["text"], text.stringValue == nil {
            throw Refusal(XErrors.v1(400, code: 214, "event.message_create.message_data.text: must be a string."))
        }
        let text = data["text"]?.stringValue ?? ""
        var mediaIDs: [String] = []
        if let attachment = data["attachment"] {
            guard attachment["type"]?.stringValue == "media", let id = attachment["media"]?["id"]?.stringValue ?? attachment["media"]?["id"]?.integerValue.map(String.init),
                EmulatorUser.numericID(id) != nil
            else { throw Refusal(XErrors.v1(400, code: 214, "event.message_create.message_data.attachment: must be {\"type\":\"media\",\"media\":{\"id\":...}}.")) }
            mediaIDs = [id]
        }
        guard !text.isEmpty || !mediaIDs.isEmpty else {
            throw Refusal(XErrors.v1(400, code: 214, "event.message_create.message_data.text: field required but not found."))
        }
        guard DMText.length(text) <= DMText.maximumLength else {
            throw Refusal(XErrors.v1(403, code: 354, "The text of your direct message is over the max character limit."))
        }
        let now = configuration.clock.now()
        return try store.withState { (state: inout EmulatorState) throws(Refusal) -> EmulatorResponse in
            guard let user = state.directory.user(recipient) else { throw Refusal(XErrors.v1(404, code: 108, "Cannot find specified user.")) }
            guard recipient != caller, user.acceptsDirectMessages else {
                throw Refusal(XErrors.v1(403, code: 349, "You cannot send messages to this user."))
            }
            // The media must be the sender's, uploaded less than a day ago, processed, unused unless
            // shared: v1.1 refuses any other with one error for every reason.
            guard case .success(let keys) = state.attachableMedia(mediaIDs, sender: caller, now: now.timeIntervalSince1970) else {
                throw Refusal(XErrors.v1(400, code: 324, "The validation of media ids failed."))
            }
            let created: DMEvent
            do {
                created = try state.postMessage(from: caller, to: recipient, text: text, mediaKeys: keys, createdAt: XTimestamp.milliseconds(now))
            } catch {
                throw Refusal(XErrors.v1(400, code: 214, "\(error)"))
            }
            state.recordUse(of: keys)
            state.sent.append(
                SentDirectMessage(
                    account: String(caller), recipientID: String(recipient), conversationID: created.conversationID,
                    dmEventID: created.idString, text: text, mediaIDs: mediaIDs, createdAt: now, api: "v1.1"))
            state.stats.dmsSent += 1
            let users = Self.mentionedUsers([created], state: state)
            return .json(200, .object([("event", Self.event(json: created, users: users, media: Self.attachedMedia([created], state: state), baseURL: request.baseURL))]))
        }
    }

    /// `GET /1.1/users/show.json?user_id=|screen_name=`.
    func showUser(_ request: EmulatorRequest) throws(Refusal) -> EmulatorResponse {
        let values = try Self.parameters(request)
        let user: EmulatorUser?
        if let id = values["user_id"], !id.isEmpty {
            user = store.user(id: id)
        } else if let name = values["screen_name"], !name.isEmpty {
            user = store.user(username: name.hasPrefix("@") ? String(name.dropFirst()) : name)
        } else {
            throw Refusal(XErrors.v1(400, code: 38, "user_id or screen_name parameter is missing."))
        }
        guard let user else { throw Refusal(XErrors.v1(404, code: 50, "User not found.")) }
        return .json(200, Self.user(json: user))
    }

    // MARK: Shapes

    /// A v1.1 event. Its `attachment.media.media_url_https` leads to the bytes of a photo (the
    /// download path of this DM unless a seed gave a URL); a video's or GIF's is its still image,
    /// and its bytes are under `video_info.variants`, as v1.1 writes them.
    static func event(json event: DMEvent, users: [UInt64: EmulatorUser], media: [String: MediaItem], baseURL: String) -> JSONValue {
        var data: [(String, JSONValue)] = [("text", .string(event.text)), ("entities", Self.entities(event.entities, users: users))]
        if let key = event.mediaKeys.first, let item = media[key] {
            var described: [(String, JSONValue)] = [
                ("id", .integer(Int64(item.mediaID))), ("id_str", .string(String(item.mediaID))),
                ("media_url_https", .string(item.type == "photo" ? item.url(dmID: event.id, baseURL: baseURL) : item.previewImageURL)),
                ("type", .string(item.type)),
            ]
            if item.type != "photo" {
                let variant: JSONValue = .object([("content_type", .string(item.content.contentType)), ("url", .string(item.url(dmID: event.id, baseURL: baseURL)))])
                described.append(("video_info", .object([("variants", .array([variant]))])))
            }
            data.append(("attachment", .object([("type", "media"), ("media", .object(described))])))
        }
        return .object([
            ("type", "message_create"),
            ("id", .string(event.idString)),
            ("created_timestamp", .string(String(event.createdAtMilliseconds))),
            (
                "message_create",
                .object([
                    ("target", .object([("recipient_id", .string(String(event.recipientID ?? 0)))])),
                    ("sender_id", .string(String(event.senderID))),
                    ("message_data", .object(data)),
                ])
            ),
        ])
    }

    static func user(json user: EmulatorUser) -> JSONValue {
        .object([
            ("id", .integer(Int64(user.id) ?? 0)),
            ("id_str", .string(user.id)),
            ("name", .string(user.name)),
            ("screen_name", .string(user.username)),
            ("location", .string(user.location ?? "")),
            ("description", .string(user.description)),
            ("url", user.url.map(JSONValue.string) ?? .null),
            ("protected", .bool(user.protected)),
            ("followers_count", 0),
            ("friends_count", 0),
            ("listed_count", 0),
            ("created_at", .string(XTimestamp.v1(milliseconds: XTimestamp.milliseconds(user.createdAt)))),
            ("favourites_count", 0),
            ("verified", .bool(user.verified)),
            ("statuses_count", 0),
            ("profile_image_url_https", .string(user.profileImageURL)),
        ])
    }

    private static func entities(_ entities: DMText.Entities, users: [UInt64: EmulatorUser]) -> JSONValue {
        func indices(_ tag: DMText.Entities.Tag) -> JSONValue { .array([.integer(Int64(tag.start)), .integer(Int64(tag.end))]) }
        let byName = Dictionary(users.values.map { ($0.username.lowercased(), $0) }, uniquingKeysWith: { first, _ in first })
        return .object([
            ("hashtags", .array(entities.hashtags.map { .object([("text", .string($0.text)), ("indices", indices($0))]) })),
            ("symbols", .array(entities.cashtags.map { .object([("text", .string($0.text)), ("indices", indices($0))]) })),
            (
                "user_mentions",
                .array(
                    entities.mentions.map { mention in
                        var members: [(String, JSONValue)] = [("screen_name", .string(mention.text))]
                        if let user = byName[mention.text.lowercased()] {
                            members += [("name", .string(user.name)), ("id", .integer(Int64(user.id) ?? 0)), ("id_str", .string(user.id))]
                        }
                        return .object(members + [("indices", indices(mention))])
                    })
            ),
            (
                "urls",
                .array(
                    entities.urls.map {
                        .object([("url", .string($0.text)), ("expanded_url", .string($0.text)), ("display_url", .string(DMEvent.displayURL($0.text))), ("indices", indices($0))])
                    })
            ),
        ])
    }

    /// The media the events carry, by key.
    static func attachedMedia(_ events: [DMEvent], state: EmulatorState) -> [String: MediaItem] {
        var media: [String: MediaItem] = [:]
        for key in events.flatMap(\.mediaKeys) { media[key] = state.media[key] }
        return media
    }

    /// The users mentioned in the events' texts, for `user_mentions`.
    static func mentionedUsers(_ events: [DMEvent], state: EmulatorState) -> [UInt64: EmulatorUser] {
        var users: [UInt64: EmulatorUser] = [:]
        for event in events {
            for mention in event.entities.mentions {
                if let user = state.directory.user(username: mention.text), let id = UInt64(user.id) { users[id] = user }
            }
        }
        return users
    }

    private static func parameters(_ request: EmulatorRequest) throws(Refusal) -> [String: String] {
        guard let pairs = request.queryPairs else { throw Refusal(XErrors.v1(400, code: 214, "The query string is not correctly percent-encoded.")) }
        var values: [String: String] = [:]
        for (name, value) in pairs where values[name] == nil { values[name] = value }
        return values
    }
}
