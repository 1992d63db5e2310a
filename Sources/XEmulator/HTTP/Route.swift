/// The X endpoints the emulator serves, matched from method and path.
enum Route: Sendable, Equatable {
    case listEvents
    case eventByID(String)
    case eventsWithParticipant(String)
    case eventsInConversation(String)
    case sendToParticipant(String)
    case sendToConversation(String)
    case usersMe
    case userByID(String)
    case usersByIDs
    case userByUsername(String)
    case v1EventsList
    case v1EventsShow
    case v1EventsNew
    case v1UsersShow
    case oauth2Token
    case oauth2Authorize
    case dmMediaDownload(dmID: String, mediaID: String, resourceID: String)
    /// X's media host's path for DM media to OAuth 1.0a (`https://ton.twitter.com/1.1/ton/data/dm/...`,
    /// the `media_url` of v1.1 events): the emulator serves it on its one port. X's "Retrieving
    /// media" guide is the source; no schema covers it.
    case legacyDMMedia(dmID: String, mediaID: String, resourceID: String)
    case mediaUpload
    case mediaUploadStatus
    case mediaUploadInitialize
    case mediaUploadAppend(String)
    case mediaUploadFinalize(String)
    /// `POST /oauth2/token` with `grant_type=client_credentials`: the app-only bearer token.
    case appToken
    case listWebhooks
    case createWebhook
    case validateWebhook(String)
    case deleteWebhook(String)
    case replayWebhook
    case subscribeAccountActivity(String)
    case accountActivitySubscription(String)
    case listAccountActivitySubscriptions(String)
    case unsubscribeAccountActivity(webhookID: String, userID: String)
    case accountActivityCount
    case activityStream
    case listActivitySubscriptions
    case createActivitySubscription
    case deleteActivitySubscriptions
    case updateActivitySubscription(String)
    case deleteActivitySubscription(String)

    /// Which credentials a route takes, from its `security` in the schema.
    enum Credentials: Sendable {
        /// A user: OAuth 1.0a or an OAuth 2.0 user token (every DM and user route).
        case user
        /// The app: an app-only bearer token only (`BearerToken` alone in the schema).
        case app
        /// Either (`UserToken` and `BearerToken` both listed).
        case either
    }

    /// Which error shapes a route answers with.
    enum Dialect: Sendable {
        /// Problem JSON (v2).
        case v2
        /// `{"errors":[{"code","message"}]}` (v1.1).
        case v1
        /// `{"error","error_description"}` (OAuth 2.0 endpoints).
        case oauth
    }

    /// Matches a request; `nil` for anything X would answer 404.
    static func match(method: String, path: String) -> Route? {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map(String.init)
        guard path.hasPrefix("/"), !parts.contains("") else { return nil }
        func decoded(_ segment: String) -> String { PercentEncoding.decode(segment[...], plusIsSpace: false) ?? segment }
        switch (method, parts.count) {
        case ("GET", 2) where parts == ["2", "dm_events"]: return .listEvents
        case ("GET", 3) where parts[0] == "2" && parts[1] == "dm_events": return .eventByID(decoded(parts[2]))
        case ("GET", 5) where parts[0] == "2" && parts[1] == "dm_conversations" && parts[2] == "with" && parts[4] == "dm_events":
            return .eventsWithParticipant(decoded(parts[3]))
        case ("GET", 4) where parts[0] == "2" && parts[1] == "dm_conversations" && parts[3] == "dm_events":
            return .eventsInConversation(decoded(parts[2]))
        case ("POST", 5) where parts[0] == "2" && parts[1] == "dm_conversations" && parts[2] == "with" && parts[4] == "messages":
            return .sendToParticipant(decoded(parts[3]))
        case ("POST", 4) where parts[0] == "2" && parts[1] == "dm_conversations" && parts[3] == "messages":
            return .sendToConversation(decoded(parts[2]))
        case ("GET", 6) where parts[0] == "2" && parts[1] == "dm_conversations" && parts[2] == "media":
            return .dmMediaDownload(dmID: decoded(parts[3]), mediaID: decoded(parts[4]), resourceID: decoded(parts[5]))
        case ("GET", 7) where parts[0] == "1.1" && parts[1] == "ton" && parts[2] == "data" && parts[3] == "dm":
            return .legacyDMMedia(dmID: decoded(parts[4]), mediaID: decoded(parts[5]), resourceID: decoded(parts[6]))
        case ("POST", 3) where parts == ["2", "media", "upload"]: return .mediaUpload
        case ("GET", 3) where parts == ["2", "media", "upload"]: return .mediaUploadStatus
        case ("POST", 4) where parts == ["2", "media", "upload", "initialize"]: return .mediaUploadInitialize
        case ("POST", 5) where parts[0] == "2" && parts[1] == "media" && parts[2] == "upload" && parts[4] == "append":
            return .mediaUploadAppend(decoded(parts[3]))
        case ("POST", 5) where parts[0] == "2" && parts[1] == "media" && parts[2] == "upload" && parts[4] == "finalize":
            return .mediaUploadFinalize(decoded(parts[3]))
        case ("GET", 3) where parts == ["2", "users", "me"]: return .usersMe
        case ("GET", 2) where parts == ["2", "users"]: return .usersByIDs
        case ("GET", 3) where parts[0] == "2" && parts[1] == "users": return .userByID(decoded(parts[2]))
        case ("GET", 5) where parts[0] == "2" && parts[1] == "users" && parts[2] == "by" && parts[3] == "username":
            return .userByUsername(decoded(parts[4]))
        case ("GET", 4) where parts == ["1.1", "direct_messages", "events", "list.json"]: return .v1EventsList
        case ("GET", 4) where parts == ["1.1", "direct_messages", "events", "show.json"]: return .v1EventsShow
        case ("POST", 4) where parts == ["1.1", "direct_messages", "events", "new.json"]: return .v1EventsNew
        case ("GET", 3) where parts == ["1.1", "users", "show.json"]: return .v1UsersShow
        case ("POST", 3) where parts == ["2", "oauth2", "token"]: return .oauth2Token
        case ("GET", 3) where parts == ["i", "oauth2", "authorize"] || parts == ["2", "oauth2", "authorize"]: return .oauth2Authorize
        case ("POST", 2) where parts == ["oauth2", "token"]: return .appToken
        default: return pushRoute(method: method, parts: parts.map(decoded))
        }
    }

    /// The webhook, Account Activity and X Activity routes (`openapi-realtime.json`).
    private static func pushRoute(method: String, parts: [String]) -> Route? {
        guard parts.first == "2" else { return nil }
        let rest = Array(parts.dropFirst())
        switch (method, rest.count) {
        case ("GET", 1) where rest == ["webhooks"]: return .listWebhooks
        case ("POST", 1) where rest == ["webhooks"]: return .createWebhook
        case ("POST", 2) where rest == ["webhooks", "replay"]: return .replayWebhook
        case ("PUT", 2) where rest[0] == "webhooks": return .validateWebhook(rest[1])
        case ("DELETE", 2) where rest[0] == "webhooks": return .deleteWebhook(rest[1])
        case ("POST", 5) where rest[0] == "account_activity" && rest[1] == "webhooks" && rest[3] == "subscriptions" && rest[4] == "all":
            return .subscribeAccountActivity(rest[2])
        case ("GET", 5) where rest[0] == "account_activity" && rest[1] == "webhooks" && rest[3] == "subscriptions" && rest[4] == "all":
            return .accountActivitySubscription(rest[2])
        case ("GET", 6) where rest[0] == "account_activity" && rest[1] == "webhooks" && rest[3] == "subscriptions" && rest[4] == "all" && rest[5] == "list":
            return .listAccountActivitySubscriptions(rest[2])
        case ("DELETE", 6) where rest[0] == "account_activity" && rest[1] == "webhooks" && rest[3] == "subscriptions" && rest[5] == "all":
            return .unsubscribeAccountActivity(webhookID: rest[2], userID: rest[4])
        case ("GET", 3) where rest == ["account_activity", "subscriptions", "count"]: return .accountActivityCount
        case ("GET", 2) where rest == ["activity", "stream"]: return .activityStream
        case ("GET", 2) where rest == ["activity", "subscriptions"]: return .listActivitySubscriptions
        case ("POST", 2) where rest == ["activity", "subscriptions"]: return .createActivitySubscription
        case ("DELETE", 2) where rest == ["activity", "subscriptions"]: return .deleteActivitySubscriptions
        case ("PUT", 3) where rest[0] == "activity" && rest[1] == "subscriptions": return .updateActivitySubscription(rest[2])
        case ("DELETE", 3) where rest[0] == "activity" && rest[1] == "subscriptions": return .deleteActivitySubscription(rest[2])
        default: return nil
        }
    }

    /// Method and pattern, the name `/_emulator/stats` counts under and faults match.
    var pattern: String {
        switch self {
        case .listEvents: "GET /2/dm_events"
        case .eventByID: "GET /2/dm_events/:event_id"
        case .eventsWithParticipant: "GET /2/dm_conversations/with/:participant_id/dm_events"
        case .eventsInConversation: "GET /2/dm_conversations/:id/dm_events"
        case .sendToParticipant: "POST /2/dm_conversations/with/:participant_id/messages"
        case .sendToConversation: "POST /2/dm_conversations/:dm_conversation_id/messages"
        case .usersMe: "GET /2/users/me"
        case .userByID: "GET /2/users/:id"
        case .usersByIDs: "GET /2/users"
        case .userByUsername: "GET /2/users/by/username/:username"
        case .v1EventsList: "GET /1.1/direct_messages/events/list.json"
        case .v1EventsShow: "GET /1.1/direct_messages/events/show.json"
        case .v1EventsNew: "POST /1.1/direct_messages/events/new.json"
        case .v1UsersShow: "GET /1.1/users/show.json"
        case .oauth2Token: "POST /2/oauth2/token"
        case .oauth2Authorize: "GET /i/oauth2/authorize"
        case .dmMediaDownload: "GET /2/dm_conversations/media/:dm_id/:media_id/:resource_id"
        case .legacyDMMedia: "GET /1.1/ton/data/dm/:dm_id/:media_id/:resource_id"
        case .mediaUpload: "POST /2/media/upload"
        case .mediaUploadStatus: "GET /2/media/upload"
        case .mediaUploadInitialize: "POST /2/media/upload/initialize"
        case .mediaUploadAppend: "POST /2/media/upload/:id/append"
        case .mediaUploadFinalize: "POST /2/media/upload/:id/finalize"
        case .appToken: "POST /oauth2/token"
        case .listWebhooks: "GET /2/webhooks"
        case .createWebhook: "POST /2/webhooks"
        case .validateWebhook: "PUT /2/webhooks/:webhook_id"
        case .deleteWebhook: "DELETE /2/webhooks/:webhook_id"
        case .replayWebhook: "POST /2/webhooks/replay"
        case .subscribeAccountActivity: "POST /2/account_activity/webhooks/:webhook_id/subscriptions/all"
        case .accountActivitySubscription: "GET /2/account_activity/webhooks/:webhook_id/subscriptions/all"
        case .listAccountActivitySubscriptions: "GET /2/account_activity/webhooks/:webhook_id/subscriptions/all/list"
        case .unsubscribeAccountActivity: "DELETE /2/account_activity/webhooks/:webhook_id/subscriptions/:user_id/all"
        case .accountActivityCount: "GET /2/account_activity/subscriptions/count"
        case .activityStream: "GET /2/activity/stream"
        case .listActivitySubscriptions: "GET /2/activity/subscriptions"
        case .createActivitySubscription: "POST /2/activity/subscriptions"
        case .deleteActivitySubscriptions: "DELETE /2/activity/subscriptions"
        case .updateActivitySubscription: "PUT /2/activity/subscriptions/:subscription_id"
        case .deleteActivitySubscription: "DELETE /2/activity/subscriptions/:subscription_id"
        }
    }

    var family: EndpointFamily? {
        switch self {
        case .listEvents, .eventByID, .eventsWithParticipant, .eventsInConversation: .dmRead
        case .sendToParticipant, .sendToConversation: .dmSend
        case .usersMe: .usersMe
        case .userByID, .usersByIDs, .userByUsername: .userLookup
        case .v1EventsList: .v1EventsList
        case .v1EventsShow: .v1EventsShow
        case .v1EventsNew: .v1EventsNew
        case .v1UsersShow: .v1UsersShow
        case .dmMediaDownload, .legacyDMMedia: .dmMediaDownload
        case .mediaUpload: .mediaUpload
        case .mediaUploadStatus: .mediaUploadStatus
        case .mediaUploadInitialize: .mediaUploadInit
        case .mediaUploadAppend: .mediaUploadAppend
        case .mediaUploadFinalize: .mediaUploadFinalize
        default: nil
        }
    }

    var dialect: Dialect {
        switch self {
        case .v1EventsList, .v1EventsShow, .v1EventsNew, .v1UsersShow, .legacyDMMedia, .appToken: .v1
        case .oauth2Token, .oauth2Authorize: .oauth
        default: .v2
        }
    }

    /// OAuth 2.0 scopes a bearer token needs here (X's security requirements in the schema).
    var requiredScopes: [String] {
        switch family {
        case .dmRead: ["dm.read", "tweet.read", "users.read"]
        case .dmSend: ["dm.write", "tweet.read", "users.read"]
        case .usersMe, .userLookup: ["tweet.read", "users.read"]
        case .dmMediaDownload: ["dm.read"]
        case .mediaUpload, .mediaUploadStatus, .mediaUploadInit, .mediaUploadAppend, .mediaUploadFinalize: ["media.write"]
        default:
            switch self {
            // The schema's OAuth2UserToken scopes: the Account Activity user routes and a `dm.*`
            // activity subscription need `dm.read` (the description of POST /2/activity/subscriptions).
            case .subscribeAccountActivity, .accountActivitySubscription, .createActivitySubscription: ["dm.read"]
            default: []
            }
        }
    }

    /// Which credentials the route takes (the schema's `security`).
    var credentials: Credentials {
        switch self {
        case .listWebhooks, .replayWebhook, .listAccountActivitySubscriptions, .unsubscribeAccountActivity, .accountActivityCount,
            .activityStream, .deleteActivitySubscriptions, .updateActivitySubscription, .deleteActivitySubscription:
            .app
        case .createWebhook, .validateWebhook, .deleteWebhook, .listActivitySubscriptions, .createActivitySubscription: .either
        default: .user
        }
    }

    /// Whether the route is one of the push routes, served by `PushAPI` (asynchronously: a CRC
    /// is an HTTP call to the webhook, the stream a long-lived answer).
    var isPush: Bool {
        switch self {
        case .listWebhooks, .createWebhook, .validateWebhook, .deleteWebhook, .replayWebhook, .subscribeAccountActivity,
            .accountActivitySubscription, .listAccountActivitySubscriptions, .unsubscribeAccountActivity, .accountActivityCount,
            .activityStream, .listActivitySubscriptions, .createActivitySubscription, .deleteActivitySubscriptions,
            .updateActivitySubscription, .deleteActivitySubscription:
            true
        default: false
        }
    }

    /// The largest body the route takes; a larger one is refused with 413 before it is read whole.
    /// Media uploads carry files: a GIF of 15 MB in one request (20 MB as base64 in JSON), a
    /// segment of 8 MB (11 MB as base64); everything else is small JSON or a form.
    var maximumBodySize: Int {
        switch self {
        case .mediaUpload: 24 << 20
        case .mediaUploadAppend: 12 << 20
        default: 1 << 20
        }
    }

    /// Whether OAuth 1.0a user context is accepted: the schema lists it (`UserToken`) on every
    /// endpoint but the DM media download, which takes an OAuth 2.0 user token only.
    var acceptsOAuth1: Bool {
        if case .dmMediaDownload = self { return false }
        return true
    }
}
