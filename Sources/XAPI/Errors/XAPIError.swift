import struct Foundation.Date

/// Every way an X API call can fail, typed so the engines can decide: retry later, refresh the
/// credentials, or give up and report.
///
/// Descriptions name the operation, what went wrong and what to do; they never contain a secret
/// (tokens, consumer secrets, signatures, Authorization headers), since nothing secret is ever
/// stored in a case. `CancellationError` is never wrapped: a cancelled call throws it as is.
public enum XAPIError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Why a call failed in a way that may succeed later.
    public enum TransientCause: Sendable, Hashable, CustomStringConvertible {
        /// X answered with this 5xx (or other unexpected) status.
        case httpStatus(Int)
        /// No usable answer: connection refused or dropped, timeout, TLS failure (the HTTP
        /// client's own secret-free description).
        case network(String)
        /// X could not be reached at all (its name did not resolve, the connection was refused or
        /// could not be made in time): the request never left this host, so nothing was done at X.
        case unreachable(String)

        public var description: String {
            switch self {
            case .httpStatus(let status): "HTTP \(status)"
            case .network(let reason), .unreachable(let reason): reason
            }
        }
    }

    /// 429: the endpoint's budget is spent until `resetAt` (from `x-rate-limit-reset`, `nil` if
    /// X did not say).
    case rateLimited(operation: XOperation, resetAt: Date?, rateLimit: RateLimitInfo?)
    /// 5xx or a network failure: retry with backoff.
    case transient(operation: XOperation, cause: TransientCause, rateLimit: RateLimitInfo?)
    /// 400, 403, 404 (or a v2 200 carrying only errors): X refused this request; retrying the
    /// same request will not help.
    case rejected(operation: XOperation, httpStatus: Int, problem: XProblem, rateLimit: RateLimitInfo?)
    /// 401: the credentials were refused (after one refresh and retry for OAuth 2.0).
    case unauthorized(operation: XOperation, detail: String?)
    /// X refused to refresh the OAuth 2.0 token pair (`invalid_grant`, or `invalid_request`
    /// "Value passed for the token was invalid."): the refresh token was used or revoked. The
    /// state module re-reads a sibling's rotated pair; if there is none, someone must log in again.
    case refreshRejected(error: String, detail: String?)
    /// X's answer could not be decoded: `field` is the path of the offending field
    /// (e.g. `data[3].created_at`), `reason` what was wrong with it.
    case decoding(operation: XOperation, field: String, reason: String)
    /// The caller passed a value X would refuse (a non-numeric participant id, an empty text...).
    case invalidArgument(operation: XOperation, argument: String, reason: String)

    /// The operation that failed (`refreshToken` for `refreshRejected`).
    public var operation: XOperation {
        switch self {
        case .rateLimited(let operation, _, _), .transient(let operation, _, _), .rejected(let operation, _, _, _),
            .unauthorized(let operation, _), .decoding(let operation, _, _), .invalidArgument(let operation, _, _):
            operation
        case .refreshRejected:
            .refreshToken
        }
    }

    /// True when the same call may succeed later (rate limit, 5xx, network); false when it needs
    /// a different request or new credentials.
    public var isRetryable: Bool {
        switch self {
        case .rateLimited, .transient: true
        case .rejected, .unauthorized, .refreshRejected, .decoding, .invalidArgument: false
        }
    }

    /// The rate-limit headers of the response that failed, when there was a response carrying them.
    public var rateLimit: RateLimitInfo? {
        switch self {
        case .rateLimited(_, _, let rateLimit), .transient(_, _, let rateLimit), .rejected(_, _, _, let rateLimit):
            rateLimit
        case .unauthorized, .refreshRejected, .decoding, .invalidArgument:
            nil
        }
    }

    /// The HTTP status X answered with, when the failure is an HTTP answer.
    public var httpStatus: Int? {
        switch self {
        case .rateLimited: 429
        case .transient(_, .httpStatus(let status), _): status
        case .rejected(_, let status, _, _): status
        case .unauthorized: 401
        case .transient, .refreshRejected, .decoding, .invalidArgument: nil
        }
    }

    /// The same failure attributed to `operation` (an operation built on another reports as itself).
    func renamed(to operation: XOperation) -> XAPIError {
        switch self {
        case .rateLimited(_, let resetAt, let rateLimit): .rateLimited(operation: operation, resetAt: resetAt, rateLimit: rateLimit)
        case .transient(_, let cause, let rateLimit): .transient(operation: operation, cause: cause, rateLimit: rateLimit)
        case .rejected(_, let status, let problem, let rateLimit): .rejected(operation: operation, httpStatus: status, problem: problem, rateLimit: rateLimit)
        case .unauthorized(_, let detail): .unauthorized(operation: operation, detail: detail)
        case .decoding(_, let field, let reason): .decoding(operation: operation, field: field, reason: reason)
        case .invalidArgument(_, let argument, let reason): .invalidArgument(operation: operation, argument: argument, reason: reason)
        case .refreshRejected: self
        }
    }

    public var description: String {
        switch self {
        case .rateLimited(let operation, let resetAt, let rateLimit):
            let when = resetAt.map { "until \($0) (epoch \(Int($0.timeIntervalSince1970)))" } ?? "for an unknown time"
            let budget = rateLimit?.limit.map { ", limit \($0) per window" } ?? ""
            return "\(operation): X rate limit reached (HTTP 429), no calls \(when)\(budget); retry after the reset"
        case .transient(let operation, let cause, _):
            return "\(operation): X is unavailable (\(cause)); retry with backoff"
        case .rejected(let operation, let status, let problem, _):
            return "\(operation): X refused the request (HTTP \(status)): \(problem); fix the request, retrying will not help"
        case .unauthorized(let operation, let detail):
            let why = detail.map { ": \($0)" } ?? ""
            return "\(operation): X refused the credentials (HTTP 401)\(why); check the configured credentials or log in again"
        case .refreshRejected(let error, let detail):
            let why = detail.map { " (\($0))" } ?? ""
            return "refreshToken: X refused to refresh the OAuth 2.0 token: \(error)\(why); the refresh token was used or revoked, log in again (kiamo-twitter auth login)"
        case .decoding(let operation, let field, let reason):
            return "\(operation): cannot decode X's answer at field '\(field)': \(reason)"
        case .invalidArgument(let operation, let argument, let reason):
            return "\(operation): invalid \(argument): \(reason)"
        }
    }
}
