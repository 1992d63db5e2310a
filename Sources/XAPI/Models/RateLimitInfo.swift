import CurlHTTP
import Foundation

/// X's rate-limit budget for the endpoint a response came from (`x-rate-limit-*` headers).
///
/// Parsed from every response, successful or not, so the state module can record budgets shared
/// by every worker of an account. Each field is `nil` when X did not send (or garbled) its header.
public struct RateLimitInfo: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Requests allowed in the current window (`x-rate-limit-limit`).
    public var limit: Int?
    /// Requests left in the current window (`x-rate-limit-remaining`).
    public var remaining: Int?
    /// When the window resets (`x-rate-limit-reset`, epoch seconds).
    public var resetAt: Date?

    /// A budget from known values.
    public init(limit: Int?, remaining: Int?, resetAt: Date?) {
        self.limit = limit
        self.remaining = remaining
        self.resetAt = resetAt
    }

    /// The budget in `headers`, or `nil` when none of the three headers is present and valid.
    public init?(headers: HTTPHeaders) {
        func integer(_ name: String) -> Int? {
            headers[name].flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        }
        let limit = integer("x-rate-limit-limit")
        let remaining = integer("x-rate-limit-remaining")
        let reset = integer("x-rate-limit-reset").map { Date(timeIntervalSince1970: Double($0)) }
        if limit == nil, remaining == nil, reset == nil { return nil }
        self.init(limit: limit, remaining: remaining, resetAt: reset)
    }

    public var description: String {
        let reset = resetAt.map { "\(Int($0.timeIntervalSince1970))" } ?? "?"
        return "\(remaining.map(String.init) ?? "?")/\(limit.map(String.init) ?? "?") until \(reset)"
    }
}
