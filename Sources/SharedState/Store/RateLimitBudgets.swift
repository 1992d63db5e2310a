import Foundation

/// X's rate-limit budgets per account and endpoint family, shared by every worker of the
/// account.
///
/// X counts calls per user, not per process: a budget one worker learnt from a response's
/// headers paces every other (`RateLimitPacing`), so replicas do not run the account into 429s
/// that each of them alone would have avoided.
public protocol RateLimitBudgets: Sendable {
    /// Records a response's `x-rate-limit-*` headers for the account's endpoint family.
    func recordRateLimit(account: String, endpoint: String, _ observation: RateLimitObservation) async throws

    /// Whether a call to the endpoint family may go now (and if so counts it), or when to ask again.
    func permission(account: String, endpoint: String) async throws -> RateLimitPermission

    /// The stored budget of an endpoint family, or nil when no response was recorded.
    func rateLimitBudget(account: String, endpoint: String) async throws -> RateLimitBudget?
}
