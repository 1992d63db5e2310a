import Foundation
import Logging
import Metrics
import SharedState
import Tracing
import XAPI

/// An X client that reports every call: the rate-limit headers of each answer go to the shared
/// budget of the account (so every worker paces itself on what any of them learnt), and each call
/// is counted by operation and outcome in `kiamo_x_api_calls_total` (`status`: one word per
/// outcome, `statusLabel(for:)`).
public struct MeteredXClient: XDirectMessageClient, XMediaDownloading, XMediaUploading {
    public let base: any XDirectMessageClient
    public let account: String
    public let state: any RateLimitBudgets
    let logger: Logger

    public init(_ base: any XDirectMessageClient, account: String, state: any RateLimitBudgets, logger: Logger) {
        self.base = base
        self.account = account
        self.state = state
        self.logger = logger
    }

    public var apiVersion: XAPIVersion { base.apiVersion }

    public func serverNow() -> Date { base.serverNow() }

    public func listDMEvents(pageToken: String?, maxResults: Int) async throws -> DMEventPage {
        try await observe(.listDMEvents, rateLimit: \.rateLimit) { try await base.listDMEvents(pageToken: pageToken, maxResults: maxResults) }
    }

    public func conversationEvents(with participantId: String, pageToken: String?, maxResults: Int) async throws -> DMEventPage {
        try await observe(.conversationEvents, rateLimit: \.rateLimit) {
            try await base.conversationEvents(with: participantId, pageToken: pageToken, maxResults: maxResults)
        }
    }

    public func sendDM(to participantId: String, text: String) async throws -> SentDM {
        try await observe(.sendDM, rateLimit: \.rateLimit) { try await base.sendDM(to: participantId, text: text) }
    }

    /// See `XMediaDownloading`; a base client that cannot download media says so as an invalid
    /// argument (not retryable).
    public func downloadDMMedia(_ media: XDMMediaReference, maxBytes: Int) async throws -> XMediaDownload {
        guard let base = base as? any XMediaDownloading else {
            throw XAPIError.invalidArgument(operation: .downloadDMMedia, argument: "client", reason: "this X client cannot download media")
        }
        return try await observe(.downloadDMMedia, rateLimit: \.rateLimit) { try await base.downloadDMMedia(media, maxBytes: maxBytes) }
    }

    public func sendDM(to participantId: String, text: String, mediaIds: [String]) async throws -> SentDM {
        try await observe(.sendDM, rateLimit: \.rateLimit) { try await base.sendDM(to: participantId, text: text, mediaIds: mediaIds) }
    }

    /// See `XMediaUploading`; a base client that cannot upload says so as an invalid argument.
    public func uploadMedia(_ bytes: Data, mediaType: String, category: XMediaCategory, processingTimeout: Duration) async throws -> XUploadedMedia {
        guard let base = base as? any XMediaUploading else {
            throw XAPIError.invalidArgument(operation: .uploadMedia, argument: "client", reason: "this X client cannot upload media")
        }
        return try await observe(.uploadMedia, rateLimit: { (_: XUploadedMedia) in nil }) {
            try await base.uploadMedia(bytes, mediaType: mediaType, category: category, processingTimeout: processingTimeout)
        }
    }

    public func me() async throws -> XResponse<XUser> {
        try await observe(.me, rateLimit: \.rateLimit) { try await base.me() }
    }

    public func user(id: String) async throws -> XResponse<XUser> {
        try await observe(.userById, rateLimit: \.rateLimit) { try await base.user(id: id) }
    }

    public func users(ids: [String]) async throws -> XResponse<[XUser]> {
        try await observe(.usersByIds, rateLimit: \.rateLimit) { try await base.users(ids: ids) }
    }

    public func user(username: String) async throws -> XResponse<XUser> {
        try await observe(.userByUsername, rateLimit: \.rateLimit) { try await base.user(username: username) }
    }

    /// Inside a traced turn (dispatch's command span), the call is a child span: its operation, its
    /// outcome and the calls left in its rate-limit window. Outside one (a poll), no span: a poll's
    /// reads join the trace of each DM they bring (`IngestTurnTrace`), and quiet polls make none.
    private func observe<T>(_ operation: XOperation, rateLimit: (T) -> RateLimitInfo?, _ call: () async throws -> T) async throws -> T {
        guard let turn = ServiceContext.current else { return try await metered(operation, rateLimit: rateLimit, call) }
        return try await withSpan("X \(operation.rawValue)", context: turn, ofKind: .client) { span in
            span.attributes["x.operation"] = operation.rawValue
            do {
                let result = try await metered(operation, rateLimit: rateLimit, call)
                span.attributes["x.status"] = Self.statusLabel(for: nil)
                if let remaining = rateLimit(result)?.remaining { span.attributes["x.rate_limit.remaining"] = remaining }
                return result
            } catch {
                span.attributes["x.status"] = Self.statusLabel(for: error)
                if let remaining = (error as? XAPIError)?.rateLimit?.remaining { span.attributes["x.rate_limit.remaining"] = remaining }
                throw error
            }
        }
    }

    private func metered<T>(_ operation: XOperation, rateLimit: (T) -> RateLimitInfo?, _ call: () async throws -> T) async throws -> T {
        do {
            let result = try await call()
            count(operation, status: Self.statusLabel(for: nil))
            await record(operation, rateLimit(result), rejected: false)
            return result
        } catch let error as XAPIError {
            count(operation, status: Self.statusLabel(for: error))
            if case .rateLimited(_, let resetAt, let info) = error {
                var headers = info ?? RateLimitInfo(limit: nil, remaining: nil, resetAt: nil)
                if headers.resetAt == nil { headers.resetAt = resetAt }
                await record(operation, headers, rejected: true)
            } else {
                await record(operation, error.rateLimit, rejected: false)
            }
            throw error
        } catch {
            count(operation, status: Self.statusLabel(for: error))
            throw error
        }
    }

    private func record(_ operation: XOperation, _ info: RateLimitInfo?, rejected: Bool) async {
        guard let info, let observation = RateLimitObservation(info, rejected: rejected) else { return }
        do {
            try await state.recordRateLimit(account: account, endpoint: RateLimitFamily(operation).rawValue, observation)
        } catch {
            // A budget not recorded costs pacing accuracy, never a message: log and go on.
            logger.warning("could not record the rate-limit budget", metadata: ["account": "\(account)", "error": "\(error)"])
        }
    }

    private func count(_ operation: XOperation, status: String) {
        Counter(label: "kiamo_x_api_calls_total", dimensions: [("account", account), ("operation", operation.rawValue), ("status", status)]).increment()
    }

    /// The `status` label of a call that ended with `error` (nil: X accepted it): one style of
    /// word for every outcome, never a mix of HTTP codes, classes and words.
    public static func statusLabel(for error: (any Error)?) -> String {
        guard let error else { return "ok" }
        guard let error = error as? XAPIError else { return error is CancellationError ? "cancelled" : "error" }
        switch error {
        case .rateLimited: return "rate_limited"
        case .unauthorized: return "unauthorized"
        case .rejected: return "rejected"
        case .transient(_, .httpStatus, _): return "unavailable"
        case .transient: return "network"
        case .decoding: return "undecodable"
        case .refreshRejected: return "refresh_rejected"
        case .invalidArgument: return "invalid_argument"
        }
    }
}
