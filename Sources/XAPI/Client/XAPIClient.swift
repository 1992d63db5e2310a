import CurlHTTP
import Foundation
import Logging

/// The X client the engines use: the dialect and authentication of its configuration behind one
/// `XDirectMessageClient`.
///
/// Immutable and `Sendable`: share one per account. OAuth 2.0 tokens come from the configured
/// store before every call (refreshed within `refreshMargin` of expiry); a 401 triggers one
/// refresh and one retry, and a second 401 throws `XAPIError.unauthorized`.
public final class XAPIClient: XDirectMessageClient, XMediaDownloading, XMediaUploading, CustomStringConvertible, CustomReflectable {
    /// The configuration the client was built from.
    public let configuration: XAPIConfiguration
    private let dialect: any XDirectMessageClient
    let executor: XRequestExecutor
    /// X's clock as the `Date` headers of its answers show it.
    public let serverClock: XServerClock

    /// - Parameters:
    ///   - transport: CurlHTTP's `HTTPClient` (shareable between clients), or a fake in unit tests.
    ///   - clock: the current time, for OAuth timestamps and token expiry.
    ///   - nonce: OAuth 1.0a nonces (random by default).
    /// - Throws: `XAPIError.invalidArgument` for a configuration X cannot serve: v1.1 with OAuth
    ///   2.0 credentials, or a base URL that is not http(s).
    public init(
        configuration: XAPIConfiguration,
        transport: any XHTTPTransport,
        logger: Logger = Logger(label: "kiamo.xapi"),
        clock: @escaping @Sendable () -> Date = { Date() },
        nonce: @escaping @Sendable () -> String = { OAuth1Signer.randomNonce() }
    ) throws {
        let base = configuration.baseURL.lowercased()
        guard base.hasPrefix("http://") || base.hasPrefix("https://") else {
            throw XAPIError.invalidArgument(operation: .configure, argument: "baseURL", reason: "'\(configuration.baseURL)' is not an http(s) URL")
        }
        let authorizer: XRequestAuthorizer
        switch configuration.credentials {
        case .oauth1(let credentials):
            authorizer = .oauth1(OAuth1Signer(credentials: credentials, clock: clock, nonce: nonce))
        case .oauth2(let credentials):
            let client = OAuth2Client(
                clientId: credentials.clientId, clientSecret: credentials.clientSecret, tokenURL: configuration.resolvedTokenURL,
                transport: transport, userAgent: configuration.userAgent, timeout: configuration.timeout, clock: clock, logger: logger
            )
            authorizer = .oauth2(store: credentials.tokenStore, client: client)
        }
        let serverClock = XServerClock(local: clock)
        let executor = XRequestExecutor(
            configuration: configuration, authorizer: authorizer, exchange: XCall(transport: transport, logger: logger), clock: clock,
            serverClock: serverClock
        )
        self.serverClock = serverClock
        self.configuration = configuration
        self.executor = executor
        switch configuration.apiVersion {
        case .v2: dialect = V2Dialect(executor: executor)
        case .v1_1:
            guard case .oauth1(let credentials) = configuration.credentials else {
                throw XAPIError.invalidArgument(
                    operation: .configure, argument: "credentials", reason: "API v1.1 accepts OAuth 1.0a credentials only; configure apiVersion 2 for OAuth 2.0"
                )
            }
            dialect = V1Dialect(executor: executor, oauthToken: credentials.oauthToken)
        }
    }

    /// The configured dialect.
    public var apiVersion: XAPIVersion { configuration.apiVersion }

    /// See `XDirectMessageClient`.
    public func listDMEvents(pageToken: String?, maxResults: Int) async throws -> DMEventPage {
        try await dialect.listDMEvents(pageToken: pageToken, maxResults: maxResults)
    }

    /// See `XDirectMessageClient`.
    public func conversationEvents(with participantId: String, pageToken: String?, maxResults: Int) async throws -> DMEventPage {
        try await dialect.conversationEvents(with: participantId, pageToken: pageToken, maxResults: maxResults)
    }

    /// See `XDirectMessageClient`.
    public func sendDM(to participantId: String, text: String) async throws -> SentDM {
        try await dialect.sendDM(to: participantId, text: text)
    }

    /// See `XDirectMessageClient`.
    public func sendDM(to participantId: String, text: String, mediaIds: [String]) async throws -> SentDM {
        try await dialect.sendDM(to: participantId, text: text, mediaIds: mediaIds)
    }

    public func serverNow() -> Date { serverClock.now() }

    /// See `XDirectMessageClient`.
    public func me() async throws -> XResponse<XUser> { try await dialect.me() }

    /// See `XDirectMessageClient`.
    public func user(id: String) async throws -> XResponse<XUser> { try await dialect.user(id: id) }

    /// See `XDirectMessageClient`.
    public func users(ids: [String]) async throws -> XResponse<[XUser]> { try await dialect.users(ids: ids) }

    /// See `XDirectMessageClient`.
    public func user(username: String) async throws -> XResponse<XUser> { try await dialect.user(username: username) }

    /// See `XMediaDownloading`. The same path for both dialects: X serves DM media there to
    /// OAuth 2.0 (`dm.read`) and OAuth 1.0a callers alike.
    public func downloadDMMedia(_ media: XDMMediaReference, maxBytes: Int) async throws -> XMediaDownload {
        guard maxBytes > 0 else { throw XAPIError.invalidArgument(operation: .downloadDMMedia, argument: "maxBytes", reason: "must be positive (got \(maxBytes))") }
        // X serves DM media to an OAuth 2.0 token at the v2 path, and to OAuth 1.0a user context at
        // the `media_url` of its v1.1 events, on its media host (the schema lists no OAuth 1.0a
        // for the v2 path; X's "Retrieving media" guide signs the ton.twitter.com URL).
        var endpoint = XRequestExecutor.Endpoint(method: .get, path: media.path, accept: "*/*", maxResponseSize: maxBytes)
        if case .oauth1 = configuration.credentials {
            endpoint.path = media.legacyPath
            endpoint.base = configuration.resolvedMediaBaseURL
        }
        let answer = try await executor.perform(.downloadDMMedia, endpoint)
        return XMediaDownload(bytes: answer.body, contentType: answer.contentType, rateLimit: answer.rateLimit)
    }

    /// See `XMediaUploading`. Always the chunked flow, JSON bodies with base64 segments: one
    /// path for every size, and each step is a request X answers on its own.
    public func uploadMedia(_ bytes: Data, mediaType: String, category: XMediaCategory, processingTimeout: Duration) async throws -> XUploadedMedia {
        try await uploadMedia(bytes, mediaType: mediaType, category: category, processingTimeout: processingTimeout, segmentBytes: V2MediaUpload.segmentBytes)
    }

    /// The same in segments of `segmentBytes` (tests use small ones: a megabyte of JSON is slow to
    /// parse in a debug build of the emulator).
    func uploadMedia(
        _ bytes: Data, mediaType: String, category: XMediaCategory, processingTimeout: Duration, segmentBytes: Int
    ) async throws -> XUploadedMedia {
        guard !bytes.isEmpty else { throw XAPIError.invalidArgument(operation: .uploadMedia, argument: "media", reason: "the file is empty") }
        guard bytes.count <= category.maxBytes else {
            throw XAPIError.invalidArgument(
                operation: .uploadMedia, argument: "media", reason: "\(bytes.count) bytes, more than X's \(category.maxBytes) for \(category.rawValue)")
        }
        let encoder = JSONEncoder()
        func call(_ method: HTTPMethod, _ path: String, query: [(name: String, value: String)] = [], body: (some Encodable)?) async throws -> V2MediaUpload.Response.Data {
            let answer = try await executor.perform(
                .uploadMedia, .init(method: method, path: path, query: query, jsonBody: try body.map { try encoder.encode($0) }))
            guard let data = try XDecoding.decode(V2MediaUpload.Response.self, from: answer.body, operation: .uploadMedia).data else {
                throw XAPIError.decoding(operation: .uploadMedia, field: "data", reason: "X's answer has no data")
            }
            return data
        }
        let started = try await call(
            .post, "/2/media/upload/initialize",
            body: V2MediaUpload.InitializeRequest(mediaType: mediaType, mediaCategory: category.rawValue, totalBytes: bytes.count))
        let id = started.id
        guard id.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }), !id.isEmpty else {
            throw XAPIError.decoding(operation: .uploadMedia, field: "data.id", reason: "not a numeric media id")
        }
        var offset = 0
        var index = 0
        while offset < bytes.count {
            let end = min(offset + segmentBytes, bytes.count)
            let segment = bytes[bytes.startIndex + offset..<bytes.startIndex + end].base64EncodedString()
            _ = try await executor.perform(
                .uploadMedia,
                .init(method: .post, path: "/2/media/upload/\(id)/append", jsonBody: try encoder.encode(V2MediaUpload.AppendRequest(media: segment, segmentIndex: index))))
            offset = end
            index += 1
        }
        var state = try await call(.post, "/2/media/upload/\(id)/finalize", body: String?.none)
        let deadline = ContinuousClock.now + processingTimeout
        while let processing = state.processingInfo, processing.state != "succeeded" {
            if processing.state == "failed" {
                let reason = processing.error?.message ?? processing.error?.name ?? "X could not process the file"
                throw XAPIError.invalidArgument(operation: .uploadMedia, argument: "media", reason: reason)
            }
            let wait = Duration.seconds(max(1, min(processing.checkAfterSecs ?? 1, 60)))
            guard ContinuousClock.now + wait <= deadline else {
                throw XAPIError.transient(operation: .uploadMedia, cause: .network("X was still processing the upload after \(processingTimeout)"), rateLimit: nil)
            }
            try await Task.sleep(for: wait)
            state = try await call(.get, "/2/media/upload", query: [("command", "STATUS"), ("media_id", id)], body: String?.none)
        }
        return XUploadedMedia(mediaId: id, mediaKey: started.mediaKey ?? state.mediaKey, expiresAfterSeconds: state.expiresAfterSecs ?? started.expiresAfterSecs)
    }

    public var description: String { "XAPIClient(\(configuration))" }

    /// Reflects the (masked) configuration only, so `dump` cannot reach a token store's contents.
    public var customMirror: Mirror { Mirror(self, children: ["configuration": configuration]) }
}

// MARK: - Push subscriptions (user context)

extension XAPIClient {
    /// Subscribes this account to the webhook's Account Activity (its DMs both ways); idempotent.
    public func subscribeAccountActivity(webhookId: String) async throws -> Bool {
        try await PushCalls(executor: executor).subscribeAccountActivity(webhookId: webhookId)
    }

    /// This account's X Activity API subscriptions, as X lists them for it.
    public func activitySubscriptions() async throws -> [XActivitySubscription] {
        try await PushCalls(executor: executor).activitySubscriptions()
    }

    /// Subscribes `eventType` (`dm.received`) of `userId` (this account) to the activity stream, or
    /// to the webhook `webhookId`. X requires the user's own consent for DM events.
    public func createActivitySubscription(eventType: String, userId: String, webhookId: String? = nil, tag: String? = nil) async throws -> XActivitySubscription {
        try await PushCalls(executor: executor).createActivitySubscription(eventType: eventType, userId: userId, webhookId: webhookId, tag: tag)
    }
}
