import CurlHTTP
import Foundation
import Logging

/// The app's side of X's pushes, authenticated with the app-only bearer token: its webhooks and
/// replay jobs, the Account Activity subscriptions of a webhook, and the X Activity API
/// subscriptions. What needs a user's consent (subscribing that user) is on `XAPIClient`.
///
/// Built from the app's consumer (API) key and secret, which are also the key of webhook CRCs and
/// signatures (`WebhookSignature`); neither is ever printed.
public final class XPushClient: Sendable, CustomStringConvertible {
    public let baseURL: String
    let calls: PushCalls

    /// - Parameters:
    ///   - tokenURL: the app-only token endpoint; `<baseURL>/oauth2/token` by default.
    public init(
        baseURL: String = XAPI.defaultBaseURL,
        consumerKey: String,
        consumerSecret: String,
        transport: any XHTTPTransport,
        userAgent: String = "kiamo-twitter",
        timeout: Duration = .seconds(30),
        connectTimeout: Duration = .seconds(10),
        tokenURL: String? = nil,
        logger: Logger = Logger(label: "kiamo.xapi"),
        clock: @escaping @Sendable () -> Date = { Date() }
    ) throws {
        let lowered = baseURL.lowercased()
        guard lowered.hasPrefix("http://") || lowered.hasPrefix("https://") else {
            throw XAPIError.invalidArgument(operation: .configure, argument: "baseURL", reason: "'\(baseURL)' is not an http(s) URL")
        }
        guard !consumerKey.isEmpty, !consumerSecret.isEmpty else {
            throw XAPIError.invalidArgument(operation: .configure, argument: "consumerKey", reason: "the app's consumer key and secret are required")
        }
        // The executor reads only the base URL, timeouts and user agent of its configuration;
        // the credentials here stand for the app and are never used to sign.
        let configuration = XAPIConfiguration(
            baseURL: baseURL, credentials: .oauth1(OAuth1Credentials(consumerKey: consumerKey, consumerSecret: consumerSecret, oauthToken: "", oauthTokenSecret: "")),
            timeout: timeout, connectTimeout: connectTimeout, userAgent: userAgent)
        let exchange = XCall(transport: transport, logger: logger)
        let bearer = AppBearerToken(
            consumerKey: consumerKey, consumerSecret: consumerSecret, tokenURL: tokenURL ?? configuration.trimmedBaseURL + "/oauth2/token",
            exchange: exchange, userAgent: userAgent, timeout: timeout, clock: clock)
        self.baseURL = configuration.trimmedBaseURL
        self.calls = PushCalls(
            executor: XRequestExecutor(configuration: configuration, authorizer: .app(bearer), exchange: exchange, clock: clock, serverClock: XServerClock(local: clock)))
    }

    public var description: String { "XPushClient(baseURL: \(baseURL), consumerKey: ****, consumerSecret: ****)" }

    /// The app's webhooks (`GET /2/webhooks`).
    public func webhooks() async throws -> [XWebhook] { try await calls.webhooks() }

    /// Registers `url`; X checks it with a CRC before it answers (`POST /2/webhooks`).
    public func registerWebhook(url: String) async throws -> XWebhook { try await calls.registerWebhook(url: url) }

    /// Asks X to check the webhook with a CRC now (`PUT /2/webhooks/{id}`); whether it passed.
    public func validateWebhook(id: String) async throws -> Bool { try await calls.validateWebhook(id: id) }

    /// Removes the webhook and its subscriptions (`DELETE /2/webhooks/{id}`).
    public func deleteWebhook(id: String) async throws { try await calls.deleteWebhook(id: id) }

    /// Has X deliver again the events of `from`...`to` (minutes, UTC, at most 24 h back) to the
    /// webhook (`POST /2/webhooks/replay`).
    public func replay(webhookId: String, from: Date, to: Date) async throws -> XReplayJob {
        try await calls.replay(webhookId: webhookId, from: from, to: to)
    }

    /// The users subscribed to the webhook through the Account Activity API.
    public func accountActivitySubscriptions(webhookId: String) async throws -> [String] {
        try await calls.accountActivitySubscriptions(webhookId: webhookId)
    }

    /// Unsubscribes a user from the webhook (Account Activity API).
    public func deleteAccountActivitySubscription(webhookId: String, userId: String) async throws {
        try await calls.deleteAccountActivitySubscription(webhookId: webhookId, userId: userId)
    }

    /// The app's X Activity API subscriptions.
    public func activitySubscriptions() async throws -> [XActivitySubscription] { try await calls.activitySubscriptions() }

    /// X's activity stream (`GET /2/activity/stream`): the events of the app's subscriptions that
    /// have no webhook, one JSON object per line, each line yielded as it arrives; an empty line
    /// is X's keep-alive (every 20 s), yielded too so the caller sees the stream is alive.
    ///
    /// The sequence ends when X closes the stream, and throws as a call does when X refuses it
    /// (a 429 when the app's connections are all taken), when the network fails, or when
    /// nothing, not even a keep-alive, came for `stallTimeout`. Ending the iteration (or
    /// cancelling its task) closes the connection. Lines wait in memory until read.
    ///
    /// - Parameter backfillMinutes: up to 5: X first sends again what it sent in those minutes
    ///   (events a dropped connection missed).
    public func activityStream(backfillMinutes: Int = 0, stallTimeout: Duration = .seconds(30), maxDuration: Duration = .seconds(86_400))
        -> AsyncThrowingStream<Data, any Error>
    {
        let executor = calls.executor
        return AsyncThrowingStream { continuation in
            let lines = LineSplitter()
            let task = Task {
                do {
                    var endpoint = XRequestExecutor.Endpoint(method: .get, path: "/2/activity/stream")
                    if backfillMinutes > 0 { endpoint.query = [("backfill_minutes", String(min(backfillMinutes, 5)))] }
                    endpoint.receiveBody = { piece in
                        for line in lines.add(piece) { continuation.yield(line) }
                    }
                    endpoint.timeout = maxDuration
                    endpoint.stallTimeout = stallTimeout
                    endpoint.maxResponseSize = 1_048_576
                    _ = try await executor.perform(.activityStream, endpoint)
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    /// Removes an X Activity API subscription.
    public func deleteActivitySubscription(id: String) async throws { try await calls.deleteActivitySubscription(id: id) }
}
