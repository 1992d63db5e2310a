import Foundation
import XIdentifiers

/// The legacy v1.1 Direct Message API the original sample used (OAuth 1.0a only):
/// `direct_messages/events/list|new.json` and `users/show.json`.
struct V1Dialect: XDirectMessageClient {
    let executor: XRequestExecutor

    func serverNow() -> Date { executor.serverClock.now() }

    /// The authenticated user's id when the access token tells it (X's OAuth 1.0a access tokens
    /// are `<user id>-<random>`), so `me()` needs only `users/show.json`.
    let accountUserId: String?

    init(executor: XRequestExecutor, oauthToken: String) {
        self.executor = executor
        let prefix = String(oauthToken.prefix { $0 != "-" })
        accountUserId = prefix.count < oauthToken.count && XID.isValid(prefix) ? prefix : nil
    }

    var apiVersion: XAPIVersion { .v1_1 }

    func listDMEvents(pageToken: String?, maxResults: Int) async throws -> DMEventPage {
        var query: [(name: String, value: String)] = [("count", String(min(max(maxResults, 1), 50)))]
        if let pageToken, !pageToken.isEmpty { query.append(("cursor", pageToken)) }
        let answer = try await executor.perform(
            .listDMEvents, .init(method: .get, path: "/1.1/direct_messages/events/list.json", query: query)
        )
        return try XDecoding.decode(V1EventsListResponse.self, from: answer.body, operation: .listDMEvents).page(rateLimit: answer.rateLimit)
    }

    /// v1.1 has no per-conversation list: the account's page, keeping the events exchanged with
    /// `participantId` (a page may then be empty while `nextToken` still leads further).
    func conversationEvents(with participantId: String, pageToken: String?, maxResults: Int) async throws -> DMEventPage {
        try XArgumentValidation.userId(participantId, argument: "participantId", operation: .conversationEvents)
        var page: DMEventPage
        do {
            page = try await listDMEvents(pageToken: pageToken, maxResults: maxResults)
        } catch let error as XAPIError {
            throw error.renamed(to: .conversationEvents)
        }
        page.events = page.events.filter { $0.participantIds.contains(participantId) }
        let keys = Set(page.events.flatMap(\.mediaKeys))
        page.media = page.media.filter { keys.contains($0.mediaKey) }
        return page
    }

    func sendDM(to participantId: String, text: String) async throws -> SentDM {
        try await sendDM(to: participantId, text: text, mediaIds: [])
    }

    func sendDM(to participantId: String, text: String, mediaIds: [String]) async throws -> SentDM {
        try XArgumentValidation.userId(participantId, argument: "participantId", operation: .sendDM)
        try XArgumentValidation.mediaIds(mediaIds, operation: .sendDM)
        try XArgumentValidation.dmText(text, operation: .sendDM, withMedia: !mediaIds.isEmpty)
        let body = try Self.encoder.encode(V1NewEventRequest(recipientId: participantId, text: text, mediaId: mediaIds.first))
        let answer = try await executor.perform(
            .sendDM, .init(method: .post, path: "/1.1/direct_messages/events/new.json", jsonBody: body)
        )
        let decoded = try XDecoding.decode(V1EventResponse.self, from: answer.body, operation: .sendDM)
        guard let event = decoded.event.event, let conversationId = event.conversationId else {
            throw XAPIError.decoding(operation: .sendDM, field: "event.message_create", reason: "required field is missing")
        }
        return SentDM(dmEventId: event.id, conversationId: conversationId, rateLimit: answer.rateLimit)
    }

    /// `users/show.json` of the id in the access token; `account/verify_credentials.json` when the
    /// token does not carry one.
    func me() async throws -> XResponse<XUser> {
        if let accountUserId {
            return try await user(.me, path: "/1.1/users/show.json", query: [("user_id", accountUserId)])
        }
        return try await user(.me, path: "/1.1/account/verify_credentials.json", query: [("include_entities", "false"), ("skip_status", "true")])
    }

    func user(id: String) async throws -> XResponse<XUser> {
        try XArgumentValidation.userId(id, argument: "id", operation: .userById)
        return try await user(.userById, path: "/1.1/users/show.json", query: [("user_id", id)])
    }

    /// One `users/show.json` per id, as the original did; ids X does not know (404) are left out.
    func users(ids: [String]) async throws -> XResponse<[XUser]> {
        try XArgumentValidation.userIds(ids, operation: .usersByIds)
        var users: [XUser] = []
        var rateLimit: RateLimitInfo?
        for id in ids {
            do {
                let found = try await user(.usersByIds, path: "/1.1/users/show.json", query: [("user_id", id)])
                users.append(found.value)
                rateLimit = found.rateLimit ?? rateLimit
            } catch XAPIError.rejected(_, 404, _, let limit) {
                rateLimit = limit ?? rateLimit
            }
        }
        return XResponse(value: users, rateLimit: rateLimit)
    }

    func user(username: String) async throws -> XResponse<XUser> {
        try XArgumentValidation.username(username, operation: .userByUsername)
        return try await user(.userByUsername, path: "/1.1/users/show.json", query: [("screen_name", username)])
    }

    private func user(_ operation: XOperation, path: String, query: [(name: String, value: String)]) async throws -> XResponse<XUser> {
        let answer = try await executor.perform(operation, .init(method: .get, path: path, query: query))
        let decoded = try XDecoding.decode(V1User.self, from: answer.body, operation: operation)
        guard let user = decoded.user else {
            throw XAPIError.decoding(operation: operation, field: "id_str", reason: "required field is missing")
        }
        return XResponse(value: user, rateLimit: answer.rateLimit)
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return encoder
    }()
}
