/// The X Activity API: `/2/activity/subscriptions` and `GET /2/activity/stream`.
struct ActivityAPI: Sendable {
    /// `CreateActivitySubscriptionRequest.event_type`'s enum in the schema.
    static let schemaEventTypes: Set<String> = [
        "profile.update.bio", "profile.update.profile_picture", "profile.update.banner_picture", "profile.update.screenname",
        "profile.update.geo", "profile.update.url", "profile.update.verified_badge", "profile.update.affiliate_badge",
        "profile.update.handle", "news.new", "follow.follow", "follow.unfollow", "spaces.start", "spaces.end", "chat.received",
        "chat.sent", "chat.conversation_join", "dm.sent", "dm.received", "dm.indicate_typing", "dm.read", "post.create", "post.delete",
        "post.mention.create", "like.create", "mute.mute", "mute.unmute", "block.block", "block.unblock",
    ]

    let store: EmulatorStore

    private var configuration: EmulatorConfiguration { store.configuration }

    /// `POST /2/activity/subscriptions {"event_type","filter":{"user_id","direction"?},"tag"?,"webhook_id"?}`
    /// → `{"data":{"subscription":{...}}}`. Only `dm.received` and `dm.sent` are served; the
    /// schema's other types are refused with 400. The user must be one of the accounts that
    /// authorized the app, and the caller itself with user context. A duplicate (same type,
    /// filter and webhook) is a 409 problem carrying the existing `subscription_id`: the
    /// schema names no duplicate shape, this is the emulator's.
    func create(_ request: EmulatorRequest, caller: Caller) throws(Refusal) -> EmulatorResponse {
        let body = try PushBody.object(request, allowed: ["event_type", "filter", "tag", "webhook_id"])
        var problems: [XErrors.Invalid] = []
        let eventType = body["event_type"]?.stringValue ?? ""
        if !Self.schemaEventTypes.contains(eventType) {
            problems.append(XErrors.Invalid("event_type", eventType, "[event_type] must be one of the schema's activity event types"))
        } else if !ActivitySubscription.eventTypes.contains(eventType) {
            problems.append(XErrors.Invalid("event_type", eventType, "[event_type] \(eventType) is not served by the emulator: dm.received and dm.sent only"))
        }
        let filter = body["filter"]
        var userID: UInt64?
        var direction: String?
        if let keys = filter?.objectKeys {
            for key in keys where !["user_id", "direction", "keyword"].contains(key) {
                problems.append(XErrors.Invalid("filter.\(key)", "", "[filter.\(key)] is not one of [user_id,direction,keyword]"))
            }
            let text = filter?["user_id"]?.stringValue ?? ""
            userID = EmulatorUser.numericID(text)
            if userID == nil { problems.append(XErrors.Invalid("filter.user_id", text, "[filter.user_id] must be a user id")) }
            if let value = filter?["direction"] {
                direction = value.stringValue
                if direction != "inbound" && direction != "outbound" {
                    problems.append(XErrors.Invalid("filter.direction", direction ?? "", "[filter.direction] must be inbound or outbound"))
                }
            }
        } else {
            problems.append(XErrors.Invalid("filter", "", "[filter] is required and must be an object"))
        }
        let tag = Self.tag(body, problems: &problems)
        let webhookText = body["webhook_id"].map { $0.stringValue ?? "" }
        if let webhookText, let problem = V2Vocabulary.numericPathParameter("webhook_id", webhookText) { problems.append(problem) }
        if !problems.isEmpty { throw Refusal(XErrors.invalidRequest(problems)) }
        let user = userID ?? 0
        guard configuration.accounts.contains(where: { EmulatorUser.numericID($0.id) == user }) else {
            throw Refusal(XErrors.blank(403, detail: "User \(user) has not authorized this app: its DM events cannot be subscribed to."))
        }
        if let caller = caller.userID, caller != user {
            throw Refusal(XErrors.blank(403, detail: "With user context, filter.user_id must be the authenticated user."))
        }
        let webhookID = webhookText.flatMap(EmulatorUser.numericID)
        let now = XTimestamp.milliseconds(configuration.clock.now())
        let created = try store.withState { (state: inout EmulatorState) throws(Refusal) -> ActivitySubscription in
            if let webhookID, state.push.webhook(webhookID) == nil {
                throw Refusal(XErrors.invalidRequest(XErrors.Invalid("webhook_id", String(webhookID), "[webhook_id] names no webhook of this app")))
            }
            if let existing = state.push.activity.first(where: {
                $0.duplicates(eventType: eventType, userID: user, direction: direction, webhookID: webhookID)
            }) {
                throw Refusal(Self.duplicate(existing.id))
            }
            let subscription = ActivitySubscription(
                id: state.ids.next(milliseconds: now), eventType: eventType, userID: user, direction: direction, tag: tag, webhookID: webhookID,
                createdAtMilliseconds: now, updatedAtMilliseconds: now)
            state.push.activity.append(subscription)
            return subscription
        }
        return .json(200, .object([("data", .object([("subscription", created.json)]))]))
    }

    /// `GET /2/activity/subscriptions?max_results=`: `{"data":[...],"meta":{"result_count":N}}`
    /// (`data` left out when empty). Everything fits one page, so no `pagination_token` is handed out.
    func list(_ request: EmulatorRequest) throws(Refusal) -> EmulatorResponse {
        let values = try V2Vocabulary.parameters(request, allowed: ["max_results", "pagination_token"]).get()
        var limit = 100
        if let text = values["max_results"] {
            guard let number = Int(text), (1...1000).contains(number) else {
                throw Refusal(XErrors.invalidRequest(XErrors.Invalid("max_results", text, "The `max_results` query parameter value [\(text)] is not between 1 and 1000")))
            }
            limit = number
        }
        let subscriptions = store.withState { Array($0.push.activity.prefix(limit)) }
        var members: [(String, JSONValue)] = []
        if !subscriptions.isEmpty { members.append(("data", .array(subscriptions.map(\.json)))) }
        members.append(("meta", .object([("result_count", .integer(Int64(subscriptions.count)))])))
        return .json(200, .object(members))
    }

    /// `DELETE /2/activity/subscriptions/:subscription_id` → `{"data":{"deleted":true}}`; 404 when unknown.
    func delete(id: String) throws(Refusal) -> EmulatorResponse {
        let numeric = try Self.subscriptionID(id)
        let removed = store.withState { state -> Bool in
            guard let index = state.push.activity.firstIndex(where: { $0.id == numeric }) else { return false }
            state.push.activity.remove(at: index)
            return true
        }
        guard removed else { throw Refusal(Self.notFound(id)) }
        return .json(200, .object([("data", .object([("deleted", true)]))]))
    }

    /// `DELETE /2/activity/subscriptions?ids=a,b`: each deleted, or an entry in `errors`.
    func deleteMany(_ request: EmulatorRequest) throws(Refusal) -> EmulatorResponse {
        let values = try V2Vocabulary.parameters(request, allowed: ["ids"]).get()
        let ids = (values["ids"] ?? "").split(separator: ",").map(String.init)
        guard (1...100).contains(ids.count), ids.allSatisfy({ EmulatorUser.numericID($0) != nil }) else {
            throw Refusal(XErrors.invalidRequest(XErrors.Invalid("ids", values["ids"] ?? "", "[ids] must be 1 to 100 subscription ids")))
        }
        let (deleted, missing, remaining) = store.withState { state -> ([String], [String], Int) in
            var deleted: [String] = []
            var missing: [String] = []
            for id in ids {
                let numeric = EmulatorUser.numericID(id) ?? 0
                if let index = state.push.activity.firstIndex(where: { $0.id == numeric }) {
                    state.push.activity.remove(at: index)
                    deleted.append(id)
                } else {
                    missing.append(id)
                }
            }
            return (deleted, missing, state.push.activity.count)
        }
        var members: [(String, JSONValue)] = [
            ("data", .array(deleted.map { .object([("deleted", true), ("subscription_id", .string($0))]) }))
        ]
        if !missing.isEmpty {
            members.append(
                (
                    "errors",
                    .array(
                        missing.map {
                            .object([("message", .string("No subscription with id \($0)")), ("reason", "not_found"), ("subscription_id", .string($0))])
                        })
                ))
        }
        members.append(("meta", .object([("total_subscriptions", .integer(Int64(remaining)))])))
        return .json(200, .object(members))
    }

    /// `PUT /2/activity/subscriptions/:subscription_id {"tag"?,"webhook_id"?}` →
    /// `{"data":{"subscription":{...},"total_subscriptions":N}}`.
    func update(_ request: EmulatorRequest, id: String) throws(Refusal) -> EmulatorResponse {
        let numeric = try Self.subscriptionID(id)
        let body = try PushBody.object(request, allowed: ["tag", "webhook_id"])
        var problems: [XErrors.Invalid] = []
        let tag = Self.tag(body, problems: &problems)
        let webhookText = body["webhook_id"].map { $0.stringValue ?? "" }
        if let webhookText, let problem = V2Vocabulary.numericPathParameter("webhook_id", webhookText) { problems.append(problem) }
        if !problems.isEmpty { throw Refusal(XErrors.invalidRequest(problems)) }
        let now = XTimestamp.milliseconds(configuration.clock.now())
        let (updated, total) = try store.withState { (state: inout EmulatorState) throws(Refusal) -> (ActivitySubscription, Int) in
            guard let index = state.push.activity.firstIndex(where: { $0.id == numeric }) else { throw Refusal(Self.notFound(id)) }
            if let webhookText {
                let webhookID = EmulatorUser.numericID(webhookText) ?? 0
                guard state.push.webhook(webhookID) != nil else {
                    throw Refusal(XErrors.invalidRequest(XErrors.Invalid("webhook_id", webhookText, "[webhook_id] names no webhook of this app")))
                }
                state.push.activity[index].webhookID = webhookID
            }
            if let tag { state.push.activity[index].tag = tag }
            state.push.activity[index].updatedAtMilliseconds = now
            return (state.push.activity[index], state.push.activity.count)
        }
        return .json(
            200, .object([("data", .object([("subscription", updated.json), ("total_subscriptions", .integer(Int64(total)))]))]))
    }

    /// `GET /2/activity/stream?backfill_minutes=&start_time=&end_time=` (app-only): a stream
    /// session, or 429 when the app holds `maxStreamConnections` already. `backfill_minutes`
    /// (0 to 5) first sends the stream lines of events created that many minutes back on the
    /// emulator's clock; `start_time` (RFC 3339), when given, is where that backfill starts
    /// instead, and `end_time` where it stops (our reading: the schema says no more).
    func stream(_ request: EmulatorRequest) throws(Refusal) -> ActivityStreamSession {
        let values = try V2Vocabulary.parameters(request, allowed: ["backfill_minutes", "start_time", "end_time"]).get()
        var problems: [XErrors.Invalid] = []
        var from: Int64?
        var to: Int64?
        let now = XTimestamp.milliseconds(configuration.clock.now())
        if let text = values["backfill_minutes"] {
            if let minutes = Int(text), (0...5).contains(minutes) {
                if minutes > 0 { from = now - Int64(minutes) * 60_000 }
            } else {
                problems.append(XErrors.Invalid("backfill_minutes", text, "The `backfill_minutes` query parameter value [\(text)] is not between 0 and 5"))
            }
        }
        for name in ["start_time", "end_time"] {
            guard let text = values[name] else { continue }
            guard let ms = XTimestamp.parse(text) else {
                problems.append(XErrors.Invalid(name, text, "Invalid date-time for query parameter `\(name)`: [\(text)]"))
                continue
            }
            if name == "start_time" { from = ms } else { to = ms }
        }
        if !problems.isEmpty { throw Refusal(XErrors.invalidRequest(problems)) }
        guard let session = store.push.openStream(backfillFrom: from, to: to) else {
            throw Refusal(
                .json(
                    429,
                    .object([
                        ("title", "ConnectionException"),
                        ("detail", "This stream is currently at the maximum allowed connection limit."),
                        ("connection_issue", "TooManyConnections"),
                        ("type", .string(XErrors.twitterProblemBase + "streaming-connection")),
                        ("status", 429),
                    ]), contentType: EmulatorResponse.problemType))
        }
        return session
    }

    private static func tag(_ body: JSONValue, problems: inout [XErrors.Invalid]) -> String? {
        guard let value = body["tag"] else { return nil }
        guard let tag = value.stringValue, (1...200).contains(tag.count) else {
            problems.append(XErrors.Invalid("tag", value.stringValue ?? "", "[tag] must be a string of 1 to 200 characters"))
            return nil
        }
        return tag
    }

    private static func subscriptionID(_ id: String) throws(Refusal) -> UInt64 {
        if let problem = V2Vocabulary.numericPathParameter("subscription_id", id) { throw Refusal(XErrors.invalidRequest(problem)) }
        return EmulatorUser.numericID(id) ?? 0
    }

    private static func notFound(_ id: String) -> EmulatorResponse {
        XErrors.resourceNotFound(
            resourceType: "subscription", parameter: "subscription_id", value: id, detail: "Could not find subscription with subscription_id: [\(id)].")
    }

    /// 409 for a subscription that exists already, naming it so a client can adopt it.
    private static func duplicate(_ existing: UInt64) -> EmulatorResponse {
        .json(
            409,
            .object([
                ("title", "Conflict"),
                ("detail", .string("DuplicateSubscription: subscription \(existing) already has this event_type, filter and webhook_id.")),
                ("type", "about:blank"),
                ("status", 409),
                ("subscription_id", .string(String(existing))),
            ]), contentType: EmulatorResponse.problemType)
    }
}
