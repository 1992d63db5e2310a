import Foundation

/// X API v2: `/2/dm_events`, `/2/dm_conversations/with/{id}/...`, `/2/users/...`.
struct V2Dialect: XDirectMessageClient {
    let executor: XRequestExecutor

    func serverNow() -> Date { executor.serverClock.now() }

    var apiVersion: XAPIVersion { .v2 }

    /// The fields and expansions of every DM event list (ARCHITECTURE.md, "X API facts"): message events
    /// only, with their senders and media included so no per-message look-up is needed.
    static let dmEventQuery: [(name: String, value: String)] = [
        ("event_types", "MessageCreate"),
        ("dm_event.fields", "id,text,event_type,created_at,sender_id,dm_conversation_id,attachments,participant_ids"),
        ("expansions", "sender_id,attachments.media_keys"),
        ("user.fields", "id,name,username"),
        ("media.fields", "media_key,type,url,preview_image_url,variants"),
    ]

    static let userFields: (name: String, value: String) = ("user.fields", "id,name,username")

    func listDMEvents(pageToken: String?, maxResults: Int) async throws -> DMEventPage {
        try await eventPage(.listDMEvents, path: "/2/dm_events", pageToken: pageToken, maxResults: maxResults)
    }

    func conversationEvents(with participantId: String, pageToken: String?, maxResults: Int) async throws -> DMEventPage {
        try XArgumentValidation.userId(participantId, argument: "participantId", operation: .conversationEvents)
        return try await eventPage(
            .conversationEvents, path: "/2/dm_conversations/with/\(participantId)/dm_events", pageToken: pageToken, maxResults: maxResults
        )
    }

    func sendDM(to participantId: String, text: String) async throws -> SentDM {
        try await sendDM(to: participantId, text: text, mediaIds: [])
    }

    func sendDM(to participantId: String, text: String, mediaIds: [String]) async throws -> SentDM {
        try XArgumentValidation.userId(participantId, argument: "participantId", operation: .sendDM)
        try XArgumentValidation.mediaIds(mediaIds, operation: .sendDM)
        try XArgumentValidation.dmText(text, operation: .sendDM, withMedia: !mediaIds.isEmpty)
        let body = try Self.encoder.encode(V2SendRequest(text: text, mediaIds: mediaIds))
        let answer = try await executor.perform(
            .sendDM, .init(method: .post, path: "/2/dm_conversations/with/\(participantId)/messages", jsonBody: body)
        )
        let sent = try XDecoding.decode(V2SendResponse.self, from: answer.body, operation: .sendDM).data
        return SentDM(dmEventId: sent.dmEventId.value, conversationId: sent.dmConversationId, rateLimit: answer.rateLimit)
    }

    func me() async throws -> XResponse<XUser> {
        try await singleUser(.me, path: "/2/users/me")
    }

    func user(id: String) async throws -> XResponse<XUser> {
        try XArgumentValidation.userId(id, argument: "id", operation: .userById)
        return try await singleUser(.userById, path: "/2/users/\(id)")
    }

    func users(ids: [String]) async throws -> XResponse<[XUser]> {
        try XArgumentValidation.userIds(ids, operation: .usersByIds)
        let answer = try await executor.perform(
            .usersByIds, .init(method: .get, path: "/2/users", query: [("ids", ids.joined(separator: ",")), Self.userFields])
        )
        let decoded = try XDecoding.decode(V2UsersResponse.self, from: answer.body, operation: .usersByIds)
        return XResponse(value: decoded.data?.map(\.user) ?? [], rateLimit: answer.rateLimit)
    }

    func user(username: String) async throws -> XResponse<XUser> {
        try XArgumentValidation.username(username, operation: .userByUsername)
        return try await singleUser(.userByUsername, path: "/2/users/by/username/\(username)")
    }

    private func eventPage(_ operation: XOperation, path: String, pageToken: String?, maxResults: Int) async throws -> DMEventPage {
        var query = Self.dmEventQuery
        query.append(("max_results", String(min(max(maxResults, 1), 100))))
        if let pageToken, !pageToken.isEmpty { query.append(("pagination_token", pageToken)) }
        let answer = try await executor.perform(operation, .init(method: .get, path: path, query: query))
        return try XDecoding.decode(V2DMEventsResponse.self, from: answer.body, operation: operation).page(rateLimit: answer.rateLimit)
    }

    private func singleUser(_ operation: XOperation, path: String) async throws -> XResponse<XUser> {
        let answer = try await executor.perform(operation, .init(method: .get, path: path, query: [Self.userFields]))
        let decoded = try XDecoding.decode(V2UserResponse.self, from: answer.body, operation: operation)
        guard let user = decoded.data else {
            guard let errors = decoded.errors, !errors.isEmpty else {
                throw XAPIError.decoding(operation: operation, field: "data", reason: "required field is missing")
            }
            // X answers 200 with only `errors` for a user it does not know.
            throw XAPIError.rejected(
                operation: operation, httpStatus: answer.status, problem: XErrorBody.problem(from: errors), rateLimit: answer.rateLimit
            )
        }
        return XResponse(value: user.user, rateLimit: answer.rateLimit)
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return encoder
    }()
}
