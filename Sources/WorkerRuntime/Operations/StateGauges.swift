import Foundation
import KiamoTwitter
import Metrics
import SharedState
import XAPI

/// Gauges read from the state store when `/metrics` is scraped: the OAuth 2.0 token's expiry and
/// the X rate-limit budgets per endpoint family. Every worker of an account shares them, so they
/// are read where they live, never from what this process last saw.
struct StateGauges: Sendable {
    let state: any TokenStorage & RateLimitBudgets
    let accounts: [AccountConfiguration]

    func refresh(now: Date = Date()) async throws {
        for account in accounts {
            if case .oauth2 = account.credentials, let stored = try await state.storedToken(account: account.userId) {
                Gauge(label: "kiamo_oauth2_token_expiry_timestamp_seconds", dimensions: [("account", account.userId)])
                    .record(stored.token.expiresAt.timeIntervalSince1970)
            }
            for family in RateLimitFamily.allCases {
                guard let budget = try await state.rateLimitBudget(account: account.userId, endpoint: family.rawValue) else { continue }
                let labels = [("account", account.userId), ("family", family.rawValue)]
                Gauge(label: "kiamo_x_rate_limit_remaining", dimensions: labels).record(Self.remaining(budget, now: now))
                Gauge(label: "kiamo_x_rate_limit_limit", dimensions: labels).record(budget.limit)
                Gauge(label: "kiamo_x_rate_limit_reset_timestamp_seconds", dimensions: labels).record(budget.resetAt.timeIntervalSince1970)
            }
        }
    }

    /// A window that ended is full again, whatever the last answer in it said.
    static func remaining(_ budget: RateLimitBudget, now: Date) -> Int {
        budget.resetAt <= now ? budget.limit : budget.remaining
    }
}
