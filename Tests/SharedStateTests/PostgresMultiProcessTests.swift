import Foundation
import SharedState
import TestSupport
import Testing

/// Several processes on one PostgreSQL state database: opening together, a holder killed with
/// SIGKILL.
@Suite(.serialized) struct PostgresMultiProcessTests {
    @Test func eightProcessesOpeningAnEmptyDatabaseAtOnceMigrateItOnce() async throws {
        try await PostgresFixture.withEmptyDatabase { url in
            let folder = try TemporaryFolder()
            let go = folder.path("go")
            let probes = try (0..<8).map { try ProbeProcess.start("open-\($0)", ["open", "--state", url, "--go", go]) }
            for probe in probes { _ = try await probe.waitForLine(containing: "ready") }
            _ = FileManager.default.createFile(atPath: go, contents: Data())
            for probe in probes {
                // A second migration would fail on CREATE TABLE of a table the first created.
                #expect(try await probe.waitForExit(timeout: .seconds(60)) == .exited(0), "\(probe.output())")
                #expect(probe.output().contains("opened"))
            }
            #expect(try PostgresFixture.psql("SELECT version FROM kiamo_twitter_schema", url: url) == "1")
        }
    }

    /// The holder's liveness lock is freed with its session when the kernel closes its socket:
    /// the standby takes over well before the 30 s TTL.
    @Test func aLeaseHolderKilledWithSIGKILLIsReplacedWellBeforeTheTTL() async throws {
        try await PostgresFixture.with(systemClock: true) { (fixture: PostgresFixture) async throws in
            let arguments = ["lease", "--state", fixture.url, "--account", "1", "--name", "ingest", "--ttl-ms", "30000"]
            let holder = try ProbeProcess.start("lease-holder", arguments)
            let holderOwner = try await holder.waitForLine(containing: "holder ").replacingOccurrences(of: "holder ", with: "")
            let standby = try ProbeProcess.start("lease-standby", arguments)
            let standbyOwner = try await standby.waitForLine(containing: "started ").replacingOccurrences(of: "started ", with: "")
            // A live holder keeps it, asked from this process too.
            #expect(try await fixture.store.acquireLease(account: "1", name: "ingest", owner: "test-process", ttl: .seconds(30)) == nil)
            #expect(try await fixture.store.leaseHolder(account: "1", name: "ingest")?.owner == holderOwner)
            #expect(!standby.output().contains("holder \(standbyOwner)"))

            holder.killNow()
            let killedAt = ContinuousClock.now
            #expect(try await holder.waitForExit() == .killed(by: SIGKILL))
            try await standby.waitForLine(containing: "holder \(standbyOwner)", timeout: .seconds(20))
            let takeover = ContinuousClock.now - killedAt
            #expect(takeover < .seconds(20), "take-over after \(takeover) with a 30 s TTL")
            #expect(try await fixture.store.leaseHolder(account: "1", name: "ingest")?.owner == standbyOwner)
            standby.killNow()
            _ = try await standby.waitForExit()
        }
    }
}
