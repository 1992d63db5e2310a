/// `/2/account_activity/...`: one webhook's user subscriptions (X is retiring this API in favour
/// of the X Activity API; clients may still use it).
struct AccountActivityAPI: Sendable {
    let store: EmulatorStore

    private var configuration: EmulatorConfiguration { store.configuration }

    /// `POST /2/account_activity/webhooks/:webhook_id/subscriptions/all` as `user`: subscribes it
    /// (again: no change) → `{"data":{"subscribed":true}}`. The webhook must be valid.
    func subscribe(_ request: EmulatorRequest, webhookID: String, user: UInt64) throws(Refusal) -> EmulatorResponse {
        _ = try PushBody.object(request, allowed: [], emptyIsObject: true)
        let id = try webhook(webhookID)
        try store.withState { (state: inout EmulatorState) throws(Refusal) in
            guard state.push.webhook(id)?.valid == true else {
                throw Refusal(
                    XErrors.invalidRequest(XErrors.Invalid("webhook_id", webhookID, "The webhook is not valid: answer its CRC, then validate it with PUT /2/webhooks/\(webhookID)")))
            }
            if !(state.push.accountActivity[id] ?? []).contains(user) { state.push.accountActivity[id, default: []].append(user) }
        }
        return Self.subscribed(true)
    }

    /// `GET /2/account_activity/webhooks/:webhook_id/subscriptions/all` as `user`.
    func status(webhookID: String, user: UInt64) throws(Refusal) -> EmulatorResponse {
        let id = try webhook(webhookID)
        return Self.subscribed(store.withState { ($0.push.accountActivity[id] ?? []).contains(user) })
    }

    /// `GET /2/account_activity/webhooks/:webhook_id/subscriptions/all/list` (app-only).
    func list(webhookID: String) throws(Refusal) -> EmulatorResponse {
        let id = try webhook(webhookID)
        let (url, users) = store.withState { ($0.push.webhook(id)?.url ?? "", $0.push.accountActivity[id] ?? []) }
        return .json(
            200,
            .object([
                (
                    "data",
                    .object([
                        ("application_id", .string(Self.applicationID(configuration))), ("webhook_id", .string(String(id))), ("webhook_url", .string(url)),
                        ("subscriptions", .array(users.map { .object([("user_id", .string(String($0)))]) })),
                    ])
                )
            ]))
    }

    /// `DELETE /2/account_activity/webhooks/:webhook_id/subscriptions/:user_id/all` (app-only).
    func unsubscribe(webhookID: String, userID: String) throws(Refusal) -> EmulatorResponse {
        if let problem = V2Vocabulary.numericPathParameter("user_id", userID) { throw Refusal(XErrors.invalidRequest(problem)) }
        let id = try webhook(webhookID)
        let user = EmulatorUser.numericID(userID) ?? 0
        store.withState { $0.push.accountActivity[id]?.removeAll { $0 == user } }
        return Self.subscribed(false)
    }

    /// `GET /2/account_activity/subscriptions/count` (app-only): counts as strings, as the
    /// schema has them. `provisioned_count` is the emulator's choice (15, X's lower tiers'
    /// allowance as we read it); `account_name` the served account's handle.
    func count() -> EmulatorResponse {
        let total = store.withState { $0.push.accountActivity.values.reduce(0) { $0 + $1.count } }
        return .json(
            200,
            .object([
                (
                    "data",
                    .object([
                        ("account_name", .string(configuration.account.username)), ("provisioned_count", "15"),
                        ("subscriptions_count_all", .string(String(total))), ("subscriptions_count_direct_messages", .string(String(total))),
                    ])
                )
            ]))
    }

    private static func subscribed(_ value: Bool) -> EmulatorResponse {
        .json(200, .object([("data", .object([("subscribed", .bool(value))]))]))
    }

    /// The webhook's id, or X's 400 (not digits) or 404 (unknown).
    private func webhook(_ id: String) throws(Refusal) -> UInt64 {
        if let problem = V2Vocabulary.numericPathParameter("webhook_id", id) { throw Refusal(XErrors.invalidRequest(problem)) }
        guard let numeric = EmulatorUser.numericID(id), store.withState({ $0.push.webhook(numeric) }) != nil else {
            throw Refusal(XErrors.resourceNotFound(resourceType: "webhook", parameter: "webhook_id", value: id, detail: "Could not find webhook with webhook_id: [\(id)]."))
        }
        return numeric
    }

    /// A stable numeric id for the app (the configuration has none): FNV-1a of the consumer key.
    static func applicationID(_ configuration: EmulatorConfiguration) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in configuration.consumerKey.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return String(hash & UInt64(Int64.max))
    }
}
