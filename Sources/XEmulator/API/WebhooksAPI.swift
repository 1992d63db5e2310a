import Foundation

/// `/2/webhooks`: register (with a CRC), list, validate again, delete, replay.
struct WebhooksAPI: Sendable {
    let store: EmulatorStore

    private var configuration: EmulatorConfiguration { store.configuration }

    /// `GET /2/webhooks`: `{"data":[WebhookConfig],"meta":{"result_count":N}}`, `data` left out
    /// when there is none, as X leaves it out of empty lists.
    func list(_ request: EmulatorRequest) throws(Refusal) -> EmulatorResponse {
        _ = try V2Vocabulary.parameters(request, allowed: ["webhook_config.fields"]).get()
        let webhooks = store.withState { $0.push.webhooks }
        var members: [(String, JSONValue)] = []
        if !webhooks.isEmpty { members.append(("data", .array(webhooks.map(\.json)))) }
        members.append(("meta", .object([("result_count", .integer(Int64(webhooks.count)))])))
        return .json(200, .object(members))
    }

    /// `POST /2/webhooks {"url"}`: refuses a URL X would refuse, a duplicate (400) or one over
    /// `maxWebhooks` (403), then checks it with a CRC and registers it only when that passes.
    /// A failed CRC is a 400 invalid-request problem whose message is `CRC validation failed`
    /// (the schema's Problem; X's own wording is not documented).
    func create(_ request: EmulatorRequest) async throws(Refusal) -> EmulatorResponse {
        let body = try PushBody.object(request, allowed: ["url"])
        guard let url = body["url"]?.stringValue, !url.isEmpty else {
            throw Refusal(XErrors.invalidRequest(XErrors.Invalid("url", "", "[url] is required and must be a non-empty string")))
        }
        if let problem = Self.problem(url: url, insecureAllowed: configuration.allowInsecureWebhooks) {
            throw Refusal(XErrors.invalidRequest(XErrors.Invalid("url", url, problem)))
        }
        try store.withState { (state: inout EmulatorState) throws(Refusal) in try admit(url, state: state) }
        guard await store.push.crc(url: url) else {
            throw Refusal(XErrors.invalidRequest(XErrors.Invalid("url", url, "CRC validation failed")))
        }
        let now = configuration.clock.now()
        let webhook = try store.withState { (state: inout EmulatorState) throws(Refusal) -> Webhook in
            try admit(url, state: state)
            let milliseconds = XTimestamp.milliseconds(now)
            let webhook = Webhook(
                id: state.ids.next(milliseconds: milliseconds), url: url, valid: true, createdAtMilliseconds: milliseconds,
                checkedAt: now.timeIntervalSince1970)
            state.push.webhooks.append(webhook)
            return webhook
        }
        store.push.startPeriodicChecks(of: store)
        return .json(200, .object([("data", webhook.json)]))
    }

    /// Refuses a duplicate URL (X's `DuplicateUrlFailed`) or one webhook too many.
    private func admit(_ url: String, state: EmulatorState) throws(Refusal) {
        if state.push.webhooks.contains(where: { $0.url == url }) {
            throw Refusal(XErrors.invalidRequest(XErrors.Invalid("url", url, "DuplicateUrlFailed: a webhook with this URL is already registered")))
        }
        if state.push.webhooks.count >= configuration.maxWebhooks {
            throw Refusal(
                XErrors.blank(403, detail: "TooManyWebhooks: this app may register at most \(configuration.maxWebhooks) webhook(s); delete one first."))
        }
    }

    /// `PUT /2/webhooks/:webhook_id`: a CRC now; `{"data":{"valid":bool}}` by its outcome.
    func validate(id: String) async throws(Refusal) -> EmulatorResponse {
        let webhook = try find(id)
        let valid = await store.push.crc(url: webhook.url)
        store.setValidity(webhook.id, valid: valid, checkedAt: configuration.clock.now().timeIntervalSince1970)
        return .json(200, .object([("data", .object([("valid", .bool(valid))]))]))
    }

    /// `DELETE /2/webhooks/:webhook_id`: the webhook and its subscriptions go.
    func delete(id: String) throws(Refusal) -> EmulatorResponse {
        let webhook = try find(id)
        _ = store.withState { $0.push.removeWebhook(webhook.id) }
        return .json(200, .object([("data", .object([("deleted", true)]))]))
    }

    /// `POST /2/webhooks/replay {"webhook_id","from_date","to_date"}` (`yyyymmddhhmm`, UTC,
    /// both inclusive to the minute): re-delivers, in the background, every DM event of the
    /// webhook's subscriptions created in that window, at most 24 hours back.
    func replay(_ request: EmulatorRequest) throws(Refusal) -> EmulatorResponse {
        let body = try PushBody.object(request, allowed: ["webhook_id", "from_date", "to_date"])
        var problems: [XErrors.Invalid] = []
        let id = body["webhook_id"]?.stringValue ?? ""
        if let problem = V2Vocabulary.numericPathParameter("webhook_id", id) { problems.append(problem) }
        func minute(_ name: String) -> Int64? {
            let text = body[name]?.stringValue ?? ""
            guard let ms = Self.minute(text) else {
                problems.append(XErrors.Invalid(name, text, "[\(name)] must be a UTC time in yyyymmddhhmm format"))
                return nil
            }
            return ms
        }
        let from = minute("from_date")
        let to = minute("to_date")
        if !problems.isEmpty { throw Refusal(XErrors.invalidRequest(problems)) }
        let now = XTimestamp.milliseconds(configuration.clock.now())
        guard let from, let to, from <= to else {
            throw Refusal(XErrors.invalidRequest(XErrors.Invalid("to_date", body["to_date"]?.stringValue ?? "", "[to_date] must not be before [from_date]")))
        }
        // The minute holding "24 hours ago" still counts.
        guard from >= now - 86_400_000 - 60_000 else {
            throw Refusal(
                XErrors.invalidRequest(XErrors.Invalid("from_date", body["from_date"]?.stringValue ?? "", "[from_date] must be within the last 24 hours")))
        }
        let webhook = try find(id)
        let baseURL = store.push.baseURL
        let (job, deliveries) = store.withState { state -> (UInt64, [PushDelivery]) in
            let events = state.replayedEvents(webhookID: webhook.id, from: from, to: to + 59_999)
            return (state.ids.next(milliseconds: now), events.flatMap { state.pushDeliveries(of: $0, baseURL: baseURL, replayTo: webhook.id) })
        }
        store.push.dispatch(deliveries)
        return .json(
            200,
            .object([
                ("data", .object([("job_id", .string(String(job))), ("created_at", .string(XTimestamp.iso8601(milliseconds: now)))]))
            ]))
    }

    private func find(_ id: String) throws(Refusal) -> Webhook {
        if let problem = V2Vocabulary.numericPathParameter("webhook_id", id) { throw Refusal(XErrors.invalidRequest(problem)) }
        guard let numeric = EmulatorUser.numericID(id), let webhook = store.withState({ $0.push.webhook(numeric) }) else {
            throw Refusal(XErrors.resourceNotFound(resourceType: "webhook", parameter: "webhook_id", value: id, detail: "Could not find webhook with webhook_id: [\(id)]."))
        }
        return webhook
    }

    /// Why X would refuse `url`, or `nil`: https, no port, no query (X's rules); with
    /// `insecureAllowed`, `http` and a port are taken too (a receiver on the loopback in tests).
    static func problem(url: String, insecureAllowed: Bool) -> String? {
        guard url.utf8.count <= 200 else { return "[url] must be at most 200 characters" }
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(), let host = components.host, !host.isEmpty
        else { return "[url] must be an absolute URL" }
        if components.query != nil || components.fragment != nil { return "[url] must not have a query or a fragment" }
        if insecureAllowed { return ["http", "https"].contains(scheme) ? nil : "[url] must be an http or https URL" }
        guard scheme == "https" else { return "[url] must be an https URL" }
        guard components.port == nil else { return "[url] must not have a port" }
        return nil
    }

    /// `yyyymmddhhmm` (UTC) to Unix milliseconds.
    static func minute(_ text: String) -> Int64? {
        guard text.utf8.count == 12, text.allSatisfy(\.isASCII), text.allSatisfy(\.isNumber) else { return nil }
        let digits = Array(text)
        let iso = "\(String(digits[0..<4]))-\(String(digits[4..<6]))-\(String(digits[6..<8]))T\(String(digits[8..<10])):\(String(digits[10..<12])):00Z"
        return XTimestamp.parse(iso)
    }
}
