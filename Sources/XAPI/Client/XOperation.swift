/// The client operation a result or an error belongs to, named as the engines call it.
///
/// Every `XAPIError` names its operation, so a log line says which call failed without the caller
/// adding context.
public struct XOperation: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    /// The account's DM events, newest first (`GET /2/dm_events`, v1.1 `events/list`).
    public static let listDMEvents = XOperation(rawValue: "listDMEvents")
    /// The DM events of the one-to-one conversation with a participant.
    public static let conversationEvents = XOperation(rawValue: "conversationEvents")
    /// Sending a DM to a participant.
    public static let sendDM = XOperation(rawValue: "sendDM")
    /// Downloading a DM's media (`GET /2/dm_conversations/media/...`).
    public static let downloadDMMedia = XOperation(rawValue: "downloadDMMedia")
    /// Uploading a file for a DM (the chunked `/2/media/upload` flow).
    public static let uploadMedia = XOperation(rawValue: "uploadMedia")
    /// The authenticated user.
    public static let me = XOperation(rawValue: "me")
    /// One user by id.
    public static let userById = XOperation(rawValue: "userById")
    /// Several users by id.
    public static let usersByIds = XOperation(rawValue: "usersByIds")
    /// One user by username (screen name).
    public static let userByUsername = XOperation(rawValue: "userByUsername")
    /// Refreshing an OAuth 2.0 token pair (`POST /2/oauth2/token`, `grant_type=refresh_token`).
    public static let refreshToken = XOperation(rawValue: "refreshToken")
    /// Exchanging an authorization code for a first token pair.
    public static let exchangeCode = XOperation(rawValue: "exchangeCode")
    /// Signing a request with OAuth 1.0a.
    public static let signRequest = XOperation(rawValue: "signRequest")
    /// Reading a push from X (a webhook delivery or a line of the activity stream).
    public static let receivePush = XOperation(rawValue: "receivePush")
    /// Getting the app-only bearer token (`POST /oauth2/token`, `grant_type=client_credentials`).
    public static let appToken = XOperation(rawValue: "appToken")
    /// Managing the app's webhooks (`/2/webhooks`) and replay jobs.
    public static let webhooks = XOperation(rawValue: "webhooks")
    /// Managing push subscriptions (Account Activity and X Activity API).
    public static let subscriptions = XOperation(rawValue: "subscriptions")
    /// Holding the activity stream open (`GET /2/activity/stream`).
    public static let activityStream = XOperation(rawValue: "activityStream")
    /// Building a client from a configuration.
    public static let configure = XOperation(rawValue: "configure")

    public var description: String { rawValue }
}
