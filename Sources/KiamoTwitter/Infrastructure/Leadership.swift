import Foundation
import SharedState

/// One named lease of an account held for as long as this process works as its holder: the
/// active ingest poller among replicas. Renewals are written at most every third of the TTL, so
/// holding costs a few state writes a minute; a holder that dies frees it within the TTL.
///
/// Work that must not be done twice (publishing a chunk and committing it) is fenced by the
/// lease: `whileHeld` renews it while the work waits (a publish held through a broker outage
/// can outlast the TTL), and answers whether the lease was still this process's at the end,
/// checked against the store, not against the last renewal's time.
public actor Leadership {
    public let account: String
    public let name: String
    public let owner: String
    public let ttl: Duration
    private let state: any LeaseStorage
    /// The process's share keeper: asked before a lease not held is taken, told what is held.
    private let admission: (any LeaseAdmission)?
    private var renewedAt: ContinuousClock.Instant? {
        didSet {
            guard let admission, (oldValue == nil) != (renewedAt == nil), renewedAt == nil else { return }
            admission.dropped(account: account)
        }
    }

    public init(
        state: any LeaseStorage, account: String, name: String, owner: String, ttl: Duration,
        admission: (any LeaseAdmission)? = nil
    ) {
        self.state = state
        self.account = account
        self.name = name
        self.owner = owner
        self.ttl = ttl
        self.admission = admission
    }

    /// Whether this process should give the lease up now (over its share: `LeaseAdmission`).
    public var mustRelease: Bool {
        renewedAt != nil && admission?.mustRelease(account: account) == true
    }

    /// The pause between renewals: a third of the TTL, so two renewals can fail to land before
    /// the lease lapses.
    public nonisolated var renewEvery: Duration { ttl / 3 }

    /// True while this process holds the lease (taking it when free, renewing it when due).
    public func hold() async throws -> Bool {
        let now = ContinuousClock.now
        if let renewedAt, now - renewedAt < renewEvery { return true }
        guard renewedAt == nil, let admission else {
            let lease = try await state.acquireLease(account: account, name: name, owner: owner, ttl: ttl)
            renewedAt = lease == nil ? nil : now
            return lease != nil
        }
        // Not held: a lease taken now must fit in this process's share.
        guard admission.mayTake(account: account) else { return false }
        let lease = try await state.acquireLease(account: account, name: name, owner: owner, ttl: ttl)
        guard admission.settle(account: account, taken: lease != nil) else {
            // Taken while others of this process's engines filled the share: given back at once.
            if lease != nil { _ = try? await state.releaseLease(account: account, name: name, owner: owner) }
            return false
        }
        renewedAt = now
        return true
    }

    /// Renews the lease now, only if this process still holds it unexpired: a lease that lapsed,
    /// even if nobody took it, may have been held by another process in between. False (or an
    /// error from the store) means: stop acting as the holder.
    public func confirm() async throws -> Bool {
        let now = ContinuousClock.now
        let lease = try await state.renewLease(account: account, name: name, owner: owner, ttl: ttl)
        renewedAt = lease == nil ? nil : now
        return lease != nil
    }

    /// Runs `body` while renewing the lease every `renewEvery`, then confirms it once more.
    /// Returns `body`'s value and whether the lease stayed this process's throughout (a renewal
    /// refused, renewals failing until the TTL ran out, or the final confirmation answer false).
    public nonisolated func whileHeld<T: Sendable>(_ body: () async -> T) async -> (value: T, held: Bool) {
        let renewer = Task { await self.renewUntilCancelled() }
        let value = await body()
        renewer.cancel()
        let kept = await renewer.value
        guard kept else { return (value, false) }
        let confirmed = (try? await confirm()) ?? false
        return (value, confirmed)
    }

    /// Renews every `renewEvery` until cancelled; false once the store refuses a renewal (the
    /// lease is someone else's or lapsed) or no renewal landed for a whole TTL.
    ///
    /// A renewal that fails (a busy database, a dropped connection) is tried again sooner, not
    /// taken as a loss: the lease is still this process's until its TTL runs out, and a renewal
    /// only succeeds on an unexpired lease, so a later success proves it was never lost. Giving
    /// up at the first error made one slow write cost the chunk being published its commit.
    private func renewUntilCancelled() async -> Bool {
        var lastRenewal = ContinuousClock.now
        var pause = renewEvery
        while true {
            do {
                try await Task.sleep(for: pause)
            } catch {
                return true
            }
            do {
                guard try await confirm() else { return false }
                lastRenewal = ContinuousClock.now
                pause = renewEvery
            } catch {
                if ContinuousClock.now - lastRenewal >= ttl { return false }
                pause = min(renewEvery, .milliseconds(250))
            }
        }
    }

    /// Lets a standby take over at once (graceful shutdown).
    public func release() async {
        renewedAt = nil
        _ = try? await state.releaseLease(account: account, name: name, owner: owner)
    }
}
