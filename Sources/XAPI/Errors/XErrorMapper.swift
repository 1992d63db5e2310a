import CurlHTTP

import struct Foundation.Date

/// Turns a non-2xx answer into the `XAPIError` the engines act on: a pure function of the
/// response, tested with canned answers.
enum XErrorMapper {
    static func error(for response: HTTPResponse, operation: XOperation, now: Date = Date()) -> XAPIError {
        let rateLimit = RateLimitInfo(headers: response.headers)
        let problem = XErrorBody.parse(response.body)?.problem ?? XProblem()
        switch response.status {
        case 429:
            return .rateLimited(operation: operation, resetAt: rateLimit?.resetAt ?? retryAfter(response.headers, now: now), rateLimit: rateLimit)
        case 401:
            return .unauthorized(operation: operation, detail: problem.detail ?? problem.title)
        case 408, 500...599:
            return .transient(operation: operation, cause: .httpStatus(response.status), rateLimit: rateLimit)
        case 400...499:
            return .rejected(operation: operation, httpStatus: response.status, problem: problem, rateLimit: rateLimit)
        default:
            // 1xx/3xx reaching us means a proxy or redirect misbehaved: try again later.
            return .transient(operation: operation, cause: .httpStatus(response.status), rateLimit: rateLimit)
        }
    }

    /// A 429 without `x-rate-limit-reset` may still say `Retry-After: <seconds>`.
    private static func retryAfter(_ headers: HTTPHeaders, now: Date) -> Date? {
        guard let value = headers["retry-after"], let seconds = Int(value) else { return nil }
        return now.addingTimeInterval(Double(seconds))
    }
}
