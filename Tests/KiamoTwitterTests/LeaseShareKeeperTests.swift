import Foundation
import Logging
import SharedState
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

extension Array {
    fileprivate func asyncMap<T>(_ transform: (Element) async -> T) async -> [T] {
        var values: [T] = []
        for element in self { values.append(await transform(element)) }
        return values
    }
}
