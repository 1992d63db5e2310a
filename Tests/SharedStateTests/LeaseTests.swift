import Foundation
import TestSupport
import Testing

@testable import SharedState

@Suite struct LeaseRulesTests {
    let now = Date(timeIntervalSince1970: 5_000)

    private func lease(_ owner: String, expiresIn seconds: Double) -> Lease {
        Lease(account: "1", name: "ingest", owner: owner, acquiredAt: now.addingTimeInterval(-1), expiresAt: now.addingTimeInterval(seconds))
    }

    @Test func aFreeOrExpiredLeaseIsGrantedAHeldOneRefused() {
        let granted = LeaseRules.acquire(nil, account: "1", name: "ingest", owner: "a", ttl: .seconds(10), now: now)
        #expect(granted == .grant(Lease(account: "1", name: "ingest", owner: "a", acquiredAt: now, expiresAt: now.addingTimeInterval(10))))
        guard case .grant(let taken) = LeaseRules.acquire(lease("b", expiresIn: 0), account: "1", name: "ingest", owner: "a", ttl: .seconds(10), now: now) else {
            Issue.record("an expired lease is free")
            return
        }
        #expect(taken.owner == "a")
        #expect(
            LeaseRules.acquire(lease("b", expiresIn: 0.001), account: "1", name: "ingest", owner: "a", ttl: .seconds(10), now: now)
                == .held(lease("b", expiresIn: 0.001)))
    }

    @Test func aHeldLeaseWhoseHolderIsKnownDeadIsGrantedAtOnce() {
        guard
            case .grant(let taken) = LeaseRules.acquire(
                lease("b", expiresIn: 10), account: "1", name: "ingest", owner: "a",
                ttl: .seconds(10), now: now, holderGone: true)
        else {
            Issue.record("a dead holder's lease is free")
            return
        }
        #expect(taken.owner == "a")
        #expect(taken.acquiredAt == now)
        // Known dead says nothing about the asker's own lease: it is extended as before.
        guard
            case .grant(let own) = LeaseRules.acquire(
                lease("a", expiresIn: 10), account: "1", name: "ingest", owner: "a",
                ttl: .seconds(10), now: now, holderGone: true)
        else {
            Issue.record("the holder's own lease is extended")
            return
        }
        #expect(own.acquiredAt == now.addingTimeInterval(-1))
    }

    @Test func renewingNeedsAnUnexpiredLeaseOfTheSameOwner() {
        #expect(LeaseRules.renew(lease("a", expiresIn: 1), owner: "a", ttl: .seconds(10), now: now)?.expiresAt == now.addingTimeInterval(10))
        #expect(LeaseRules.renew(lease("a", expiresIn: 0), owner: "a", ttl: .seconds(10), now: now) == nil)
        #expect(LeaseRules.renew(lease("b", expiresIn: 5), owner: "a", ttl: .seconds(10), now: now) == nil)
        #expect(LeaseRules.renew(nil, owner: "a", ttl: .seconds(10), now: now) == nil)
    }
}

@Suite(.scratchDatabases) struct LeaseTests {
    @Test(arguments: StateBackend.allCases) func aLeaseIsExclusiveUntilReleasedOrExpired(backend: StateBackend) async throws {
        let fixture = try await StoreFixture(backend)
        let store = fixture.store
        let held = try await store.acquireLease(account: "1", name: "ingest", owner: "a", ttl: .seconds(10))
        #expect(held?.owner == "a")
        #expect(try await store.acquireLease(account: "1", name: "ingest", owner: "b", ttl: .seconds(10)) == nil)
        #expect(try await store.acquireLease(account: "2", name: "ingest", owner: "b", ttl: .seconds(10)) != nil)
        #expect(try await store.leaseHolder(account: "1", name: "ingest")?.owner == "a")
        #expect(try await !store.releaseLease(account: "1", name: "ingest", owner: "b"))
        #expect(try await store.releaseLease(account: "1", name: "ingest", owner: "a"))
        #expect(try await store.leaseHolder(account: "1", name: "ingest") == nil)

        _ = try await store.acquireLease(account: "1", name: "ingest", owner: "a", ttl: .seconds(10))
        fixture.clock.advance(seconds: 5)
        #expect(try await store.renewLease(account: "1", name: "ingest", owner: "a", ttl: .seconds(10))?.expiresAt == fixture.clock.now().addingTimeInterval(10))
        fixture.clock.advance(seconds: 10)
        #expect(try await store.leaseHolder(account: "1", name: "ingest") == nil)
        #expect(try await store.acquireLease(account: "1", name: "ingest", owner: "b", ttl: .seconds(10))?.owner == "b")
        #expect(try await store.renewLease(account: "1", name: "ingest", owner: "a", ttl: .seconds(10)) == nil)
    }

    /// What a process under its fair share reads once a second instead of trying each lease.
    @Test(arguments: StateBackend.allCases) func theLeasesOthersHoldAreReadInOneCall(backend: StateBackend) async throws {
        let fixture = try await StoreFixture(backend)
        let store = fixture.store
        _ = try await store.acquireLease(account: "1", name: "ingest", owner: "a", ttl: .seconds(10))
        _ = try await store.acquireLease(account: "2", name: "ingest", owner: "b", ttl: .seconds(10))
        _ = try await store.acquireLease(account: "3", name: "ingest", owner: "b", ttl: .seconds(5))
        _ = try await store.acquireLease(account: "4", name: "token-refresh", owner: "b", ttl: .seconds(10))
        #expect(try await store.leasesHeldByOthers(name: "ingest", owner: "a") == ["2", "3"])
        #expect(try await store.leasesHeldByOthers(name: "ingest", owner: "b") == ["1"])
        fixture.clock.advance(seconds: 5)
        #expect(try await store.leasesHeldByOthers(name: "ingest", owner: "a") == ["2"], "an expired lease is nobody's")
        #expect(try await store.releaseLease(account: "2", name: "ingest", owner: "b"))
        #expect(try await store.leasesHeldByOthers(name: "ingest", owner: "a") == [])
    }

    @Test(arguments: StateBackend.allCases) func concurrentAcquirersOfAFreeLeaseHaveOneWinner(backend: StateBackend) async throws {
        let fixture = try await StoreFixture(backend)
        let stores = [fixture.store, try await fixture.reopen(), try await fixture.reopen()]
        let winners = try await withThrowingTaskGroup(of: Lease?.self) { group in
            for index in 0..<12 {
                group.addTask { try await stores[index % 3].acquireLease(account: "1", name: "ingest", owner: "o\(index)", ttl: .seconds(10)) }
            }
            return try await group.reduce(into: [Lease]()) { if let lease = $1 { $0.append(lease) } }
        }
        #expect(winners.count == 1)
    }
}

@Suite struct OwnerLivenessTests {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("liveness-\(UUID().uuidString)").path

    @Test func aLiveOwnerIsNeverGoneAndAnUnknownOneNeither() {
        let holder = OwnerLiveness(directory: folder)
        let other = OwnerLiveness(directory: folder)
        #expect(holder.markAlive("host:12:ab"))
        #expect(holder.markAlive("host:12:ab"), "idempotent")
        #expect(!other.isGone("host:12:ab"), "its lock is held (another open file, as in another process)")
        #expect(!holder.isGone("host:12:ab"))
        #expect(!other.isGone("host:13:cd"), "no file: unknown, not dead")
        #expect(!OwnerLiveness(directory: nil).isGone("host:12:ab"))
    }

    @Test func anOwnerIdNeverNamesAPathOutsideTheFolder() {
        let liveness = OwnerLiveness(directory: folder)
        #expect(liveness.path(of: "../../etc/passwd") == folder + "/.._.._etc_passwd.lock")
        #expect(liveness.path(of: "") == nil)
    }
}
