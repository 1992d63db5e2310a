import Foundation
import Logging
import SharedState
import Testing

@testable import KiamoTwitter

/// The ingest lease as the engine holds it, on a real SQLite state file.
@Suite struct LeadershipTests {
    func makeState() async throws -> any StateStore {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("leadership-\(UUID().uuidString).db").path
        return try await SQLiteStateStore.open(SQLiteLocation(path: path), logger: Logger(label: "test"))
    }

    /// Work that outlasts the TTL (a publish held through a broker outage) keeps the lease: a
    /// standby asking in the middle and at the end is refused.
    @Test func workLongerThanTheTTLKeepsTheLease() async throws {
        let state = try await makeState()
        // A 6 s TTL renewed every 2 s: a renewal may be late by four seconds on a loaded 2-core
        // machine running the whole suite (two was not enough once) before the lease lapses; the
        // work lasts longer than the TTL.
        let holder = Leadership(state: state, account: "1", name: "ingest", owner: "a", ttl: .seconds(6))
        let standby = Leadership(state: state, account: "1", name: "ingest", owner: "b", ttl: .seconds(6))
        #expect(try await holder.hold())
        let (refusals, held) = await holder.whileHeld { () async -> [Bool] in
            var refusals: [Bool] = []
            for _ in 0..<4 {
                try? await Task.sleep(for: .milliseconds(2_500))
                refusals.append((try? await standby.hold()) == false)
            }
            return refusals
        }
        #expect(refusals == [true, true, true, true], "the standby took the lease while the holder worked")
        #expect(held)
    }

    /// A renewal that fails (the database busy, its connection dropped) is tried again: the lease
    /// stays this process's while a later renewal lands within the TTL, and the work is kept.
    /// A 30 s TTL: the retry, 250 ms after the failure at 10 s, lands in time however loaded the
    /// machine (with 3 s, a whole suite's start-up once delayed it past the TTL).
    @Test func aFailedRenewalIsRetriedAndTheLeaseKept() async throws {
        let state = FailingRenewals(state: try await makeState(), failures: 1)
        let holder = Leadership(state: state, account: "1", name: "ingest", owner: "a", ttl: .seconds(30))
        #expect(try await holder.hold())
        let (_, held) = await holder.whileHeld { () async -> Void in
            // Until the first renewal failed and its retry was made.
            let deadline = ContinuousClock.now + .seconds(60)
            while state.renewals < 2 && ContinuousClock.now < deadline {
                try? await Task.sleep(for: .milliseconds(50))
            }
        }
        #expect(state.renewals >= 2, "the failed renewal was not retried")
        #expect(held, "one failed renewal gave the lease up")
        #expect(try await state.leaseHolder(account: "1", name: "ingest")?.owner == "a")
    }

    /// Renewals failing for longer than the TTL give the lease up: another process may hold it.
    @Test func renewalsFailingForAWholeTTLLoseTheLease() async throws {
        let state = FailingRenewals(state: try await makeState(), failures: .max)
        let holder = Leadership(state: state, account: "1", name: "ingest", owner: "a", ttl: .seconds(1))
        #expect(try await holder.hold())
        let (_, held) = await holder.whileHeld { () async -> Void in
            // Work lasting three TTLs is the scenario.
            try? await Task.sleep(for: .seconds(3))
        }
        #expect(!held)
        #expect(state.renewals >= 1)
    }

    /// A holder whose lease was taken while it worked is told so, and its next confirmation too.
    @Test func aLeaseTakenDuringTheWorkIsReportedLost() async throws {
        let state = try await makeState()
        let holder = Leadership(state: state, account: "1", name: "ingest", owner: "a", ttl: .seconds(15))
        #expect(try await holder.hold())
        let (_, held) = await holder.whileHeld { () async -> Void in
            _ = try? await state.releaseLease(account: "1", name: "ingest", owner: "a")
            _ = try? await state.acquireLease(account: "1", name: "ingest", owner: "b", ttl: .seconds(15))
        }
        #expect(!held)
        #expect(try await !holder.confirm())
        #expect(try await state.leaseHolder(account: "1", name: "ingest")?.owner == "b")
    }

    /// A lease that lapsed is not confirmed even though nobody holds it now: someone may have in between.
    @Test func aLapsedLeaseIsNotConfirmed() async throws {
        let state = try await makeState()
        let holder = Leadership(state: state, account: "1", name: "ingest", owner: "a", ttl: .milliseconds(200))
        #expect(try await holder.hold())
        try await Task.sleep(for: .milliseconds(400)) // the lapse is the scenario
        #expect(try await !holder.confirm())
    }
}

/// The real store with its first `failures` renewals failing as a busy database does.
private final class FailingRenewals: LeaseStorage, @unchecked Sendable {
    struct Busy: Error {}
    private let state: any StateStore
    private let lock = NSLock()
    private var remaining: Int
    private var count = 0

    init(state: any StateStore, failures: Int) {
        self.state = state
        remaining = failures
    }

    var renewals: Int { lock.withLock { count } }

    func acquireLease(account: String, name: String, owner: String, ttl: Duration) async throws -> Lease? {
        try await state.acquireLease(account: account, name: name, owner: owner, ttl: ttl)
    }

    func renewLease(account: String, name: String, owner: String, ttl: Duration) async throws -> Lease? {
        let fails = lock.withLock { () -> Bool in
            count += 1
            guard remaining > 0 else { return false }
            remaining -= 1
            return true
        }
        if fails { throw Busy() }
        return try await state.renewLease(account: account, name: name, owner: owner, ttl: ttl)
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
