import Foundation

/// The emulator's own JSON API under `/_emulator`, for tests, the local run and benchmarks.
/// Not part of X: no authentication, no rate limits, never a fault, not counted in stats.
///
/// | request | body / query | answer |
/// |---|---|---|
/// | `GET /_emulator/health` | | `{"status":"ok","account":{...}}` |
/// | `POST /_emulator/users` | `{id?, name, username, description?, location?, url?, protected?, verified?, acceptsDirectMessages?}` | 201 the user |
/// | `GET /_emulator/users` | | `{"users":[...]}` |
/// | `POST /_emulator/dms` | `{from, to, text?, attachments?, createdAt?}`; or `{from, conversationId, text?, attachments?}`; or `{type: ParticipantsJoin\|ParticipantsLeave, conversationId, participants, from?}` | 201 `{id, conversationId, createdAt}` |
/// | `POST /_emulator/conversations` | `{id?, participants}` | 201 `{id}` (a group) |
/// | `POST /_emulator/dms/bulk` | `{count, senders, to?, createdAt?}` | 201 `{created, senders, firstID, lastID}` |
/// | `GET /_emulator/sent?account=ID` | | `{"sent":[{account, recipientID, conversationID, dmEventID, text, mediaIDs, createdAt, api}]}` |
/// | `GET /_emulator/media?id=MEDIA_ID` | | the media's bytes (uploaded through the API, or a customer's), `application/octet-stream`; 404 when unknown |
/// | `GET /_emulator/stats` | | `EmulatorStats` |
/// | `POST /_emulator/faults` | `{endpoint?, kind: status\|delay\|drop\|malformed\|lateAnswer\|lostAnswer, status?, delayMs?, count}`; `endpoint` a route, a path prefix or a family (`dm-send`, `media-upload`, `media-upload-init`, `media-upload-append`, `media-upload-finalize`, `media-upload-status`, `dm-media-download`, ...) | 201 `{"pending": N}` |
/// | `GET /_emulator/faults`, `DELETE /_emulator/faults` | | pending faults; clears them |
/// | `POST /_emulator/reset` | `{users?: bool, tokens?: bool}` (optional) | `{"status":"reset"}` |
/// | `POST /_emulator/tokens/expire` | | every issued access token expires now |
/// | `GET /_emulator/webhooks/deliveries` | | `{"deliveries":[{webhook_id, event_id, attempt, status, replay, at}]}`, every delivery attempt in the order they ended; `status` 0 when the receiver did not answer in time or refused the connection |
/// | `POST /_emulator/webhooks/crc` | | runs the periodic CRC on every webhook now; `{"webhooks":[{id, url, valid, created_at}]}` after it |
/// | `POST /_emulator/webhooks/pause` | | holds every delivery attempt (first or retry) from now on; `{"paused":true}` |
/// | `POST /_emulator/webhooks/resume` | | lets the held attempts go; `{"paused":false}` |
/// | `GET /_emulator/stream/connections` | | `{"open":N,"linesSent":N,"keepAlivesSent":N}` of `GET /2/activity/stream` |
/// | `POST /_emulator/stream/drop` | | closes every open stream connection now (the client sees the TCP connection end); `{"dropped":N}` |
/// | `POST /_emulator/stream/stall` | `{"ms": N}` (0 to 600,000) | the streams send nothing, keep-alives included, for N ms; connections stay open and queued lines follow after; `{"stalledMs":N}` |
///
/// The `/_emulator/faults` kinds apply to the push routes as to any other: `status` and `delay`
/// on `GET /2/activity/stream` refuse or delay a connection, `drop` closes it unanswered, a
/// `status` on `POST /2/webhooks` refuses a registration.
///
/// Ids may be JSON strings or numbers; `to` defaults to the configured account; times are
/// ISO 8601 strings or Unix milliseconds. An attachment (at most one) is
/// `{type: photo|video|animated_gif, data?, contentType?, bytes?, url?, width?, height?, altText?}`:
/// its bytes are `data` (base64; the body may then be up to 24 MB), or `bytes` generated ones, or
/// a placeholder (see `DMAttachment`);
/// the DM's events then lead to them at `GET /2/dm_conversations/media/...`. Errors: 400/404
/// `{"error": "..."}`.
struct ControlAPI: Sendable {
    static let prefix = "/_emulator"
    /// The largest `POST /_emulator/dms` body: a 15 MB GIF as base64 `data` fits; bigger media
    /// (a video) is generated with `bytes` instead.
    static let maximumDMBodySize = 24 << 20

    let store: EmulatorStore

    func handle(_ request: EmulatorRequest) async -> EmulatorResponse {
        let path = String(request.path.dropFirst(Self.prefix.count))
        do {
            switch (request.method, path) {
            case ("GET", "/health"):
                let account = store.configuration.account
                return .json(
                    200,
                    .object([
                        ("status", "ok"),
                        (
                            "account",
                            .object([
                                ("id", .string(account.id)), ("username", .string(account.username)), ("name", .string(account.name)),
                            ])
                        ),
                    ]))
            case ("POST", "/users"): return try addUser(try body(request))
            case ("GET", "/users"): return try encode(200, ["users": store.users])
            case ("POST", "/dms"): return try postDM(try body(request))
            case ("POST", "/conversations"):
                let body = try body(request)
                let id = try store.createGroup(id: Self.id(body["id"]), participants: try Self.ids(body["participants"], "participants"))
                return .json(201, .object([("id", .string(id))]))
            case ("POST", "/dms/bulk"):
                let body = try body(request)
                guard let count = body["count"]?.integerValue, let senders = body["senders"]?.integerValue else {
                    throw EmulatorStoreError.invalidRequest("bulk needs integer count and senders")
                }
                let result = try store.bulk(
                    count: Int(count), senders: Int(senders), to: Self.id(body["to"]) ?? store.configuration.account.id,
                    createdAt: try Self.time(body["createdAt"]))
                return try encode(201, result)
            case ("GET", "/sent"):
                let account = request.queryPairs?.first { $0.0 == "account" }?.1
                return try encode(200, ["sent": store.sent(account: account)])
            case ("GET", "/media"):
                guard let id = request.queryPairs?.first(where: { $0.0 == "id" })?.1, let bytes = store.mediaBytes(mediaID: id) else {
                    return .json(404, .object([("error", "no media with that id")]))
                }
                return EmulatorResponse(status: 200, headers: [("content-type", "application/octet-stream")], body: [UInt8](bytes))
            case ("GET", "/stats"): return try encode(200, store.stats())
            case ("POST", "/faults"):
                let fault = try decode(EmulatorFault.self, request)
                try store.addFault(fault)
                return .json(201, .object([("pending", .integer(Int64(store.faults().count)))]))
            case ("GET", "/faults"): return try encode(200, ["faults": store.faults()])
            case ("DELETE", "/faults"):
                store.clearFaults()
                return .json(200, .object([("pending", 0)]))
            case ("POST", "/reset"):
                let options = request.body.isEmpty ? ResetOptions() : try decode(ResetOptions.self, request)
                store.reset(options)
                return .json(200, .object([("status", "reset")]))
            case ("POST", "/tokens/expire"):
                store.expireAccessTokens()
                return .json(200, .object([("status", "expired")]))
            case ("GET", "/webhooks/deliveries"): return try encode(200, ["deliveries": store.push.deliveryRecords])
            case ("POST", "/webhooks/crc"):
                let webhooks = await store.checkWebhooks(force: true)
                return .json(200, .object([("webhooks", .array(webhooks.map(\.json)))]))
            case ("POST", "/webhooks/pause"):
                store.push.pause()
                return .json(200, .object([("paused", true)]))
            case ("POST", "/webhooks/resume"):
                store.push.resume()
                return .json(200, .object([("paused", false)]))
            case ("GET", "/stream/connections"): return try encode(200, store.push.connections)
            case ("POST", "/stream/drop"): return .json(200, .object([("dropped", .integer(Int64(store.push.dropStreams())))]))
            case ("POST", "/stream/stall"):
                guard let ms = try body(request)["ms"]?.integerValue, (0...600_000).contains(ms) else {
                    throw EmulatorStoreError.invalidRequest("stall needs an integer ms from 0 to 600000")
                }
                store.push.stall(for: .milliseconds(ms))
                return .json(200, .object([("stalledMs", .integer(ms))]))
            default:
                return .json(404, .object([("error", .string("no control endpoint \(request.method) \(request.path); see ControlAPI"))]))
            }
        } catch let error as EmulatorStoreError {
            return .json(400, .object([("error", .string(error.description))]))
        } catch {
            return .json(400, .object([("error", .string("bad request: \(error)"))]))
        }
    }

    private func addUser(_ body: JSONValue) throws -> EmulatorResponse {
        guard let name = body["name"]?.stringValue, let username = body["username"]?.stringValue else {
            throw EmulatorStoreError.invalidRequest("a user needs string name and username")
        }
        let id = try Self.id(body["id"]) ?? store.withState { $0.newUserID(nowMilliseconds: store.nowMilliseconds) }
        let user = try store.addUser(
            EmulatorUser(
                id: id, name: name, username: username, description: body["description"]?.stringValue ?? "",
                location: body["location"]?.stringValue, url: body["url"]?.stringValue,
                protected: body["protected"]?.boolValue ?? false, verified: body["verified"]?.boolValue ?? false,
                acceptsDirectMessages: body["acceptsDirectMessages"]?.boolValue ?? true))
        return try encode(201, user)
    }

    private func postDM(_ body: JSONValue) throws -> EmulatorResponse {
        let createdAt = try Self.time(body["createdAt"])
        let attachments =
            try body["attachments"].map { value -> [DMAttachment] in
                try JSONDecoder().decode([DMAttachment].self, from: Data(value.encoded))
            } ?? []
        let posted: PostedDirectMessage
        if let type = body["type"]?.stringValue, type != DMEventKind.messageCreate.rawValue {
            guard let conversation = body["conversationId"]?.stringValue else { throw EmulatorStoreError.invalidRequest("\(type) needs conversationId") }
            posted = try store.postParticipantsEvent(
                type: type, conversationID: conversation, participants: try Self.ids(body["participants"], "participants"),
                by: try Self.id(body["from"]), createdAt: createdAt)
        } else {
            guard let from = try Self.id(body["from"]) else { throw EmulatorStoreError.invalidRequest("a DM needs from") }
            let text = body["text"]?.stringValue ?? ""
            if let conversation = body["conversationId"]?.stringValue {
                posted = try store.postMessage(from: from, conversationID: conversation, text: text, attachments: attachments, createdAt: createdAt)
            } else {
                let to = try Self.id(body["to"]) ?? store.configuration.account.id
                posted = try store.postDM(from: from, to: to, text: text, attachments: attachments, createdAt: createdAt)
            }
        }
        return .json(
            201,
            .object([
                ("id", .string(posted.id)), ("conversationId", .string(posted.conversationID)),
                ("createdAt", .string(XTimestamp.iso8601(milliseconds: XTimestamp.milliseconds(posted.createdAt)))),
            ]))
    }

    // MARK: Helpers

    private func body(_ request: EmulatorRequest) throws -> JSONValue {
        guard let value = JSONValue.parse(request.body), value.objectKeys != nil else {
            throw EmulatorStoreError.invalidRequest("the body must be a JSON object")
        }
        return value
    }

    private func decode<T: Decodable>(_ type: T.Type, _ request: EmulatorRequest) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: Data(request.body))
        } catch {
            throw EmulatorStoreError.invalidRequest("the body is not a valid \(type): \(error)")
        }
    }

    private func encode(_ status: Int, _ value: some Encodable) throws -> EmulatorResponse {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(XTimestamp.iso8601(milliseconds: XTimestamp.milliseconds(date)))
        }
        return EmulatorResponse(status: status, headers: [("content-type", EmulatorResponse.jsonType)], body: Array(try encoder.encode(value)))
    }

    /// An id given as a JSON string or number.
    static func id(_ value: JSONValue?) throws -> String? {
        switch value {
        case nil, .null?: return nil
        case .string(let text)?: return text
        case .integer(let number)?: return String(number)
        default: throw EmulatorStoreError.invalidRequest("an id must be a string or an integer")
        }
    }

    static func ids(_ value: JSONValue?, _ name: String) throws -> [String] {
        guard let items = value?.arrayValue else { throw EmulatorStoreError.invalidRequest("\(name) must be an array of ids") }
        return try items.map { item in
            guard let id = try id(item) else { throw EmulatorStoreError.invalidRequest("\(name) must be an array of ids") }
            return id
        }
    }

    /// A time given as an ISO 8601 string or Unix milliseconds.
    static func time(_ value: JSONValue?) throws -> Date? {
        switch value {
        case nil, .null?: return nil
        case .string(let text)?:
            guard let ms = XTimestamp.parse(text), XTimestamp.isAcceptable(ms) else { throw EmulatorStoreError.invalidTime(text) }
            return Date(timeIntervalSince1970: Double(ms) / 1000)
        case let number? where number.integerValue.map(XTimestamp.isAcceptable) == true:
            return Date(timeIntervalSince1970: Double(number.integerValue ?? 0) / 1000)
        default: throw EmulatorStoreError.invalidTime("\(value.map { String(decoding: $0.encoded, as: UTF8.self) } ?? "")")
        }
    }
}
