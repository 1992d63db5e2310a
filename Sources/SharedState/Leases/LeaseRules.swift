import Foundation

/// Lease decisions as functions of values, shared by every backend.
public enum LeaseRules {
    /// The decision for `owner` asking for the lease `current` (nil: never taken).
    public enum Acquisition: Sendable, Hashable {
        /// Write this lease (new holder, or the same holder extended).
        case grant(Lease)
        /// Someone else holds it until `Lease.expiresAt`.
        case held(Lease)
    }

    /// Free or expired → granted to `owner`; held by `owner` → extended (acquire is idempotent);
    /// held by another → refused, unless that holder is known dead (`holderGone`, see
    /// `OwnerLiveness`): then granted at once rather than after the TTL.
    public static func acquire(
        _ current: Lease?, account: String, name: String, owner: String, ttl: Duration, now: Date, holderGone: Bool = false
    ) -> Acquisition {
        let expiresAt = now.addingTimeInterval(ttl.seconds)
        guard let current, current.isHeld(at: now), !(holderGone && current.owner != owner) else {
            return .grant(Lease(account: account, name: name, owner: owner, acquiredAt: now, expiresAt: expiresAt))
        }
        guard current.owner == owner else { return .held(current) }
        var extended = current
        extended.expiresAt = max(current.expiresAt, expiresAt)
        return .grant(extended)
    }

    /// Renewal succeeds only for the current, unexpired holder: a holder whose lease expired
    /// must acquire again, because someone else may have held it in between.
    public static func renew(_ current: Lease?, owner: String, ttl: Duration, now: Date) -> Lease? {
        guard let current, current.owner == owner, current.isHeld(at: now) else { return nil }
        var renewed = current
        renewed.expiresAt = max(current.expiresAt, now.addingTimeInterval(ttl.seconds))
        return renewed
    }
}
