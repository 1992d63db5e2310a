import Foundation
import Logging
import SharedState
import Synchronization
import TestSupport
import Testing

@testable import KiamoTwitter

/// One process's ingest leases kept within its fair share, on a real SQLite state file: the
/// keeper's member count set by hand (`update`), the leases taken through `Leadership` as the
/// engines take them.
@Suite struct LeaseShareKeeperTests {
    func makeState() async throws -> any StateStore {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("share-\(UUID().uuidString).db").path
        return try await SQLiteStateStore.open(SQLiteLocation(path: path), logger: Logger(label: "test"))
    }

    /// The leases last the whole test (nothing renews them here): a loaded machine took 73 s over
    /// the 200-account case, and 30 s leases expired under it.
    func leaderships(_ state: any StateStore, keeper: LeaseShareKeeper, owner: String = "a") -> [Leadership] {
        (1...keeper.accounts).map { Leadership(state: state, account: "\($0)", name: "ingest", owner: owner, ttl: .seconds(3_600), admission: keeper) }
    }

    @Test func nothingIsTakenBeforeTheMembersAreCountedThenUpToTheShare() async throws {
        let state = try await makeState()
        let keeper = LeaseShareKeeper(registry: state, owner: "a", accounts: 6, ttl: .seconds(30), logger: Logger(label: "test"))
        let engines = leaderships(state, keeper: keeper)
        #expect(try await engines[0].hold() == false)
        keeper.update(members: 3)
        var held = 0
        for engine in engines where try await engine.hold() { held += 1 }
        #expect(held == 2)
        #expect(keeper.held == 2)
        // The others' leases stay free for the other processes.
        #expect(try await state.leaseHolder(account: "3", name: "ingest") == nil)
    }

    @Test func enginesTakingAtOnceNeverHoldMoreThanTheShare() async throws {
        let state = try await makeState()
        let keeper = LeaseShareKeeper(registry: state, owner: "a", accounts: 12, ttl: .seconds(30), logger: Logger(label: "test"))
        keeper.update(members: 4)
        let engines = leaderships(state, keeper: keeper)
        let held = try await withThrowingTaskGroup(of: Bool.self) { group in
            for engine in engines { group.addTask { try await engine.hold() } }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(held == 3)
        #expect(keeper.held == 3)
        var stored = 0
        for account in 1...12 where try await state.leaseHolder(account: "\(account)", name: "ingest") != nil { stored += 1 }
        #expect(stored == 3, "a lease taken over the share is given back at once")
    }

    @Test func overTheShareTheNewestAreReleasedOncePerRenewalPeriod() async throws {
        let state = try await makeState()
        let keeper = LeaseShareKeeper(registry: state, owner: "a", accounts: 4, ttl: .seconds(30), logger: Logger(label: "test"))
        keeper.update(members: 1)
        let engines = leaderships(state, keeper: keeper)
        for engine in engines { #expect(try await engine.hold()) }
        // A second process came: share 2, the two taken last go.
        keeper.update(members: 2)
        #expect(await engines.asyncMap { await $0.mustRelease } == [false, false, true, true])
        // A third within the renewal period (10 s) changes nothing yet.
        keeper.update(members: 3)
        #expect(await engines.asyncMap { await $0.mustRelease } == [false, false, true, true])
        for engine in engines[2...] { await engine.release() }
        #expect(keeper.held == 2)
        #expect(await engines.asyncMap { await $0.mustRelease } == [false, false, false, false])
        // Released engines do not take their lease back while the process is at its share.
        #expect(try await engines[3].hold() == false)
    }

    /// 200 accounts: one process alone takes them all; two more come, it releases its newest 133
    /// and the three end with 66 or 67 each, every account held once.
    @Test func threeProcessesOverTwoHundredAccountsHoldSixtySixOrSixtySevenEach() async throws {
        let state = try await makeState()
        let keepers = ["a", "b", "c"].map {
            LeaseShareKeeper(registry: state, owner: $0, accounts: 200, ttl: .seconds(60), logger: Logger(label: "test"))
        }
        let engines = keepers.map { leaderships(state, keeper: $0, owner: $0.owner) }
        keepers[0].update(members: 1)
        for engine in engines[0] { #expect(try await engine.hold()) }
        #expect(keepers[0].held == 200)

        for keeper in keepers { keeper.update(members: 3) }
        for engine in engines[0] where await engine.mustRelease { await engine.release() }
        #expect(keepers[0].held == 67)
        // The standbys of the two newcomers ask in turns, as their engines do every second.
        for _ in 0..<2 {
            for account in (0..<200).shuffled() {
                for process in [1, 2].shuffled() { _ = try await engines[process][account].hold() }
            }
        }
        #expect(keepers.map(\.held).allSatisfy { (66...67).contains($0) }, "\(keepers.map(\.held))")
        #expect(keepers.map(\.held).reduce(0, +) == 200)
        var owners: [String: Int] = [:]
        for account in 1...200 {
            owners[try await state.leaseHolder(account: "\(account)", name: "ingest")?.owner ?? "nobody", default: 0] += 1
        }
        #expect(owners == ["a": keepers[0].held, "b": keepers[1].held, "c": keepers[2].held])
    }

    /// The standby engines of a process one lease under its share (3 over 200 accounts leave one
    /// at 66 of 67 for good) ask every second; only a lease nobody else holds reaches the store.
    /// Before the keeper read the holders, each of them was an attempt: 134 a second here.
    @Test func aProcessUnderItsShareAsksTheStoreOnlyForLeasesItCanGet() async throws {
        let state = try await makeState()
        let counting = CountingAcquisitions(state: state)
        let keepers = ["a", "b", "c"].map {
            LeaseShareKeeper(registry: state, leases: state, owner: $0, accounts: 200, ttl: .seconds(60), logger: Logger(label: "test"))
        }
        for keeper in keepers { keeper.update(members: 3) }
        let engines = keepers.enumerated().map { index, keeper in
            (1...200).map {
                Leadership(
                    state: index == 2 ? counting : state, account: "\($0)", name: "ingest", owner: keeper.owner, ttl: .seconds(3_600),
                    admission: keeper)
            }
        }
        for account in 0..<67 { #expect(try await engines[0][account].hold()) }
        for account in 67..<134 { #expect(try await engines[1][account].hold()) }
        for account in 134..<200 { #expect(try await engines[2][account].hold()) }
        #expect(keepers.map(\.held) == [67, 67, 66])

        try await keepers[2].readHeldByOthers()
        let before = counting.acquisitions
        for _ in 0..<3 {
            for account in 0..<134 { #expect(try await engines[2][account].hold() == false) }
        }
        #expect(counting.acquisitions - before == 0, "attempts on leases held by the two other processes")

        // One comes free (its holder gave it back): the next read lets exactly that one be tried.
        await engines[0][5].release()
        try await keepers[2].readHeldByOthers()
        for account in 0..<134 { _ = try await engines[2][account].hold() }
        #expect(counting.acquisitions - before == 1)
        #expect(keepers[2].held == 67)
        #expect(try await state.leaseHolder(account: "6", name: "ingest")?.owner == "c")
    }

    @Test func aLostLeaseFreesItsPlace() async throws {
        let state = try await makeState()
        let keeper = LeaseShareKeeper(registry: state, owner: "a", accounts: 2, ttl: .seconds(30), logger: Logger(label: "test"))
        keeper.update(members: 2)
        let engines = leaderships(state, keeper: keeper)
        #expect(try await engines[0].hold())
        #expect(try await engines[1].hold() == false)
        // Another process takes account 1 (its holder released it): the renewal finds it gone.
        #expect(try await state.releaseLease(account: "1", name: "ingest", owner: "a"))
        _ = try await state.acquireLease(account: "1", name: "ingest", owner: "b", ttl: .seconds(30))
        #expect(try await engines[0].confirm() == false)
        #expect(keeper.held == 0)
        #expect(try await engines[1].hold())
    }
}

/// The real store, counting the lease acquisitions asked of it.
private final class CountingAcquisitions: LeaseStorage, Sendable {
    private let state: any StateStore
    private let count = Mutex(0)

    init(state: any StateStore) {
        self.state = state
    }

    var acquisitions: Int { count.withLock { $0 } }

    func acquireLease(account: String, name: String, owner: String, ttl: Duration) async throws -> Lease? {
        count.withLock { $0 += 1 }
        return try await state.acquireLease(account: account, name: name, owner: owner, ttl: ttl)
    }

    func renewLease(account: String, name: String, owner: String, ttl: Duration) async throws -> Lease? {
        try await state.renewLease(account: account, name: name, owner: owner, ttl: ttl)
    }

    func releaseLease(account: String, name: String, owner: String) async throws -> Bool {
        try await state.releaseLease(account: account, name: name, owner: owner)
    }

    func leaseHolder(account: String, name: String) async throws -> Lease? {
        try await state.leaseHolder(account: account, name: name)
    }

    func leasesHeldByOthers(name: String, owner: String) async throws -> Set<String> {
        try await state.leasesHeldByOthers(name: name, owner: owner)
    }
}
