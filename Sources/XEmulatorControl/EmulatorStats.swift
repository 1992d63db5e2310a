/// Request counts since start or the last reset, for tests and benchmarks to assert on.
public struct EmulatorStats: Sendable, Equatable, Codable {
    /// Route (`GET /2/dm_events`; `unmatched` for unknown paths) → HTTP status → count.
    public var requests: [String: [String: Int]] = [:]
    /// Endpoint family → HTTP status → count.
    public var families: [String: [String: Int]] = [:]
    /// Successful `grant_type=refresh_token` exchanges.
    public var tokenRefreshes = 0
    /// Access tokens issued (refreshes and authorization codes).
    public var tokensIssued = 0
    /// Authorization codes issued by the authorize step.
    public var authorizationCodesIssued = 0
    /// Requests refused with 429 by the rate limiter (not by a fault).
    public var rateLimited = 0
    /// Requests a fault was applied to.
    public var faultsApplied = 0
    /// DMs accepted through the API.
    public var dmsSent = 0

    /// Empty counts.
    public init() {}

    /// Requests of a route with a status (0 when none).
    public func count(_ route: String, status: Int) -> Int {
        requests[route]?[String(status)] ?? 0
    }

    /// Every request of a route, whatever its status.
    public func total(_ route: String) -> Int {
        requests[route]?.values.reduce(0, +) ?? 0
    }
}
