import Foundation
import Logging
import Metrics
import ServiceLifecycle
import SharedState
import Synchronization

/// Keeps one process's leases of a kind (`ingest`) within its fair share (`FairShare`): announces
/// the process as a live member of its role, counts the live members, admits a lease not held
/// only while under the share, and marks the excess for release when over it.
///
/// The member count is read every second (a fifth of the TTL when shorter), the pace at which a
/// standby engine asks for a lease, so the accounts of a process that died move as soon as its
/// membership expires (within the TTL of its last renewal, like its leases). The announcement is
/// renewed every third of the TTL, as leases are. A graceful stop withdraws it at once, so the
/// survivors' share grows as the stopping process releases its leases.
///
/// While under its share, the process reads which accounts' leases others hold (one read twice a
/// count, `LeaseStorage.leasesHeldByOthers`) and admits only the others. Every account has
/// a standby engine in every process asking every second: without that read, a process one lease
/// under its share (3 processes over 200 accounts: shares of 67 leave one at 66, for good) sent
/// the store an attempt for each lease held elsewhere, 134 a second here, 2 statements each, and
/// at 10,000 accounts it would have been thousands a second for nothing (`scripts/bench hosts`).
public final class LeaseShareKeeper: Service, LeaseAdmission, Sendable, CustomStringConvertible {
    private struct Ledger {
        var held: [String: UInt64] = [:]
        var taken: UInt64 = 0
        /// Live members as last read; nil until the first read (nothing is admitted before).
        var members: Int?
        var releasing: Set<String> = []
        var lastRelease: ContinuousClock.Instant?
        /// Accounts whose lease another live process holds, as last read (nil: not read; all
        /// are admitted then), with the ones found held since added.
        var heldByOthers: Set<String>?
    }

    public let owner: String
    public let role: String
    public let accounts: Int
    public let ttl: Duration
    private let registry: any MemberRegistry
    /// Where the leases are (nil: every lease not held is tried as its engine asks).
    private let leases: (any LeaseStorage)?
    private let logger: Logger
    private let ledger = Mutex(Ledger())

    /// `leases` is where the role's leases are (named as the role): read while under the share.
    public init(
        registry: any MemberRegistry, leases: (any LeaseStorage)? = nil, owner: String, role: String = "ingest", accounts: Int,
        ttl: Duration, logger: Logger
    ) {
        self.registry = registry
        self.leases = leases
        self.owner = owner
        self.role = role
        self.accounts = accounts
        self.ttl = ttl
        self.logger = logger
    }

    public var description: String { "\(role) lease share keeper" }

    /// The pause between renewals of the announcement, as `Leadership.renewEvery`.
    public var renewEvery: Duration { ttl / 3 }

    /// The pause between reads of the member count.
    public var countEvery: Duration { min(.seconds(1), ttl / 5) }

    /// How many leases this process holds now.
    public var held: Int { ledger.withLock { $0.held.count } }

    /// The share as of the last member count (nil before the first).
    public var share: Int? {
        ledger.withLock { ledger in ledger.members.map { FairShare.share(accounts: accounts, members: $0) } }
    }

    // MARK: - Service

    public func run() async throws {
        var announcedAt: ContinuousClock.Instant?
        var failing = false
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            do {
                if announcedAt.map({ ContinuousClock.now - $0 >= renewEvery }) ?? true {
                    try await registry.announceMember(owner: owner, role: role, ttl: ttl)
                    announcedAt = .now
                }
                let live = try await registry.liveMembers(role: role)
                update(members: FairShare.members(live: live, me: owner))
                try await readHeldByOthers()
                if failing { logger.info("the state store answers again: lease shares are counted again") }
                failing = false
            } catch {
                // The last count stands; the leases' own renewals fail alike and say so.
                if !failing { logger.warning("counting the live \(role) processes or their leases failed", metadata: ["error": "\(error)"]) }
                failing = true
            }
            do {
                // The holders are read twice per count: a lease whose holder died is tried by its
                // standby engine (every second) a quarter of a second later on average, not half.
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: self.countEvery / 2) }
                try? await readHeldByOthers() // a failure here is the next count's to report
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: self.countEvery / 2) }
            } catch {
                break
            }
        }
        // Gone at once: the survivors' share grows as this process's leases are released.
        _ = try? await registry.withdrawMember(owner: owner, role: role)
        logger.info("\(role) lease share keeper stopped")
    }

    /// Takes a new member count and marks what is over the share for release.
    func update(members: Int) {
        let (decision, changed, heldCount) = ledger.withLock { ledger in
            let changed = ledger.members != members
            ledger.members = members
            let decision = FairShare.decide(
                accounts: accounts, members: members,
                held: ledger.held.filter { !ledger.releasing.contains($0.key) }.map { FairShare.Held(account: $0.key, taken: $0.value) },
                sinceLastRelease: ledger.lastRelease.map { .now - $0 }, renewalPeriod: renewEvery
            )
            if !decision.release.isEmpty {
                ledger.releasing.formUnion(decision.release)
                ledger.lastRelease = .now
            }
            return (decision, changed, ledger.held.count)
        }
        if changed {
            logger.info(
                "\(members) live \(role) process(es): this one's share is \(decision.share) of \(accounts) account(s)",
                metadata: ["held": "\(heldCount)"])
        }
        if !decision.release.isEmpty {
            logger.info(
                "over the share: releasing \(decision.release.count) lease(s)",
                metadata: ["share": "\(decision.share)", "held": "\(heldCount)"])
        }
    }

    /// Reads which leases other processes hold, when this one is under its share (at its share
    /// nothing is admitted anyway, and the read would cost for nothing).
    func readHeldByOthers() async throws {
        guard let leases, ledger.withLock({ $0.members != nil && decision($0).mayTake }) else { return }
        let held = try await leases.leasesHeldByOthers(name: role, owner: owner)
        ledger.withLock { $0.heldByOthers = held }
    }

    // MARK: - LeaseAdmission

    public func mayTake(account: String) -> Bool {
        ledger.withLock { ledger in
            guard ledger.members != nil, ledger.held[account] == nil, ledger.heldByOthers?.contains(account) != true else { return false }
            return decision(ledger).mayTake
        }
    }

    @discardableResult
    public func settle(account: String, taken: Bool) -> Bool {
        guard taken else {
            // Held by another: not tried again before the next read says it is free.
            ledger.withLock { ledger in _ = ledger.heldByOthers?.insert(account) }
            return false
        }
        let (kept, count) = ledger.withLock { ledger in
            guard ledger.held[account] == nil else { return (true, ledger.held.count) }
            guard ledger.members != nil, decision(ledger).mayTake else { return (false, ledger.held.count) }
            ledger.taken += 1
            ledger.held[account] = ledger.taken
            return (true, ledger.held.count)
        }
        record(count)
        return kept
    }

    /// The rule on what the process holds now (never releasing: `update` does that on its cadence).
    private func decision(_ ledger: Ledger) -> FairShare.Decision {
        FairShare.decide(
            accounts: accounts, members: ledger.members ?? 1,
            held: ledger.held.map { FairShare.Held(account: $0.key, taken: $0.value) },
            sinceLastRelease: .zero, renewalPeriod: renewEvery
        )
    }

    public func dropped(account: String) {
        let count = ledger.withLock { ledger in
            ledger.held[account] = nil
            ledger.releasing.remove(account)
            return ledger.held.count
        }
        record(count)
    }

    public func mustRelease(account: String) -> Bool {
        ledger.withLock { $0.releasing.contains(account) }
    }

    /// `kiamo_ingest_leases_held` (ingest is the one role that shares leases by members).
    private func record(_ count: Int) {
        Gauge(label: "kiamo_ingest_leases_held").record(Double(count))
    }
}
