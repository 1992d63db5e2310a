import Foundation

/// How the shared rate-limit budgets pace calls: a pure policy, the same for every backend.
///
/// - Unknown endpoint, or the window has ended: go.
/// - After a 429: wait until the window resets.
/// - Plenty left (more than `paceBelowFraction` of the limit): go.
/// - Little left: spread the remaining calls evenly over the time to the reset, so a busy
///   account slows down instead of hitting the wall and waiting for the whole window.
/// - Nothing left: wait for the reset.
public struct RateLimitPacing: Sendable, Hashable {
    /// Pacing starts when the remaining calls fall to this fraction of the limit or below.
    public var paceBelowFraction: Double

    /// By default pacing starts at 20% of the limit left.
    public init(paceBelowFraction: Double = 0.2) {
        self.paceBelowFraction = paceBelowFraction
    }

    /// The budget after a response's headers. Responses of one window can arrive out of order
    /// from several workers, so within a window the lowest `remaining` wins; a response from an
    /// older window is ignored; a newer window replaces the budget.
    public func merge(
        _ current: RateLimitBudget?, _ observation: RateLimitObservation, account: String, endpoint: String
    ) -> RateLimitBudget {
        var next = RateLimitBudget(
            account: account, endpoint: endpoint, limit: observation.limit,
            remaining: max(0, observation.remaining), resetAt: observation.resetAt,
            rejectedUntil: nil, lastGrantedAt: current?.lastGrantedAt
        )
        if let current {
            if observation.resetAt < current.resetAt { return current }
            if observation.resetAt == current.resetAt {
                next.remaining = min(current.remaining, next.remaining)
                next.rejectedUntil = current.rejectedUntil
            }
        }
        if observation.rejected {
            next.remaining = 0
            next.rejectedUntil = observation.resetAt
        }
        return next
    }

    /// The permission at `now`, and the budget to store when the call is granted (it counts the
    /// call, so the other workers see one call fewer before X's next answer).
    public func decide(_ budget: RateLimitBudget?, now: Date) -> (permission: RateLimitPermission, updated: RateLimitBudget?) {
        guard var budget else { return (.now, nil) }
        if let until = budget.rejectedUntil, now < until { return (.after(until), nil) }
        if now >= budget.resetAt {
            // The window X described is over; the next response describes the new one.
            budget.rejectedUntil = nil
            budget.remaining = max(0, budget.limit - 1)
            budget.lastGrantedAt = now
            return (.now, budget)
        }
        guard budget.remaining > 0 else { return (.after(budget.resetAt), nil) }
        let threshold = max(1, Int((Double(budget.limit) * paceBelowFraction).rounded(.up)))
        if budget.remaining <= threshold, let last = budget.lastGrantedAt {
            let interval = budget.resetAt.timeIntervalSince(now) / Double(budget.remaining)
            let next = last.addingTimeInterval(interval)
            if now < next { return (.after(next), nil) }
        }
        budget.remaining -= 1
        budget.lastGrantedAt = now
        return (.now, budget)
    }
}
