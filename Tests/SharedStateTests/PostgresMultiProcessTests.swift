import Foundation
import SharedState
import TestSupport
import Testing

/// Several processes on one PostgreSQL state database: opening together, a holder killed with
/// SIGKILL, and hosts whose wall clocks are 30 s off (`Tests/ClockSkew/clock_skew.c`).
@Suite(.serialized) struct PostgresMultiProcessTests {
    @Test func eightProcessesOpeningAnEmptyDatabaseAtOnceMigrateItOnce() async throws {
        try await PostgresFixture.withEmptyDatabase { url in
            let folder = try TemporaryFolder()
            let go = folder.path("go")
            let probes = try await (0..<8).asyncMap { try await ProbeProcess.start("open-\($0)", ["open", "--state", url, "--go", go]) }
            for probe in probes { _ = try await probe.waitForLine(containing: "ready") }
            _ = FileManager.default.createFile(atPath: go, contents: Data())
            for probe in probes {
                // A second migration would fail on CREATE TABLE of a table the first created.
                #expect(try await probe.waitForExit(timeout: .seconds(60)) == .exited(0), "\(probe.output())")
                #expect(probe.output().contains("opened"))
            }
            #expect(try await PostgresFixture.psql("SELECT version FROM kiamo_twitter_schema", url: url) == "3")
        }
    }

    /// The holder's liveness lock is freed with its session when the kernel closes its socket:
    /// the standby takes over well before the 30 s TTL.
    @Test func aLeaseHolderKilledWithSIGKILLIsReplacedWellBeforeTheTTL() async throws {
        try await PostgresFixture.with(systemClock: true) { (fixture: PostgresFixture) async throws in
            let arguments = ["lease", "--state", fixture.url, "--account", "1", "--name", "ingest", "--ttl-ms", "30000"]
            let holder = try await ProbeProcess.start("lease-holder", arguments)
            let holderOwner = try await holder.waitForLine(containing: "holder ").replacingOccurrences(of: "holder ", with: "")
            let standby = try await ProbeProcess.start("lease-standby", arguments)
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

    /// A standby whose host clock runs 30 s ahead would find a 5 s lease long expired by its own
    /// clock; the server's clock decides, so it never takes the lease while the holder renews.
    @Test func aStandbyWhoseClockIs30SecondsAheadNeverStealsALiveLease() async throws {
        try await PostgresFixture.with(systemClock: true) { (fixture: PostgresFixture) async throws in
            let arguments = ["lease", "--state", fixture.url, "--account", "1", "--name", "ingest", "--ttl-ms", "5000"]
            let holder = try await ProbeProcess.start("lease-holder", arguments)
            let holderOwner = try await holder.waitForLine(containing: "holder ").replacingOccurrences(of: "holder ", with: "")
            let standby = try await Self.skewed("lease-standby-ahead", seconds: 30, arguments)
            let standbyOwner = try await standby.waitForLine(containing: "started ").replacingOccurrences(of: "started ", with: "")
            // The standby asks every 20 ms; two whole TTLs pass on the server's clock meanwhile.
            let first = try #require(try await fixture.store.leaseHolder(account: "1", name: "ingest"))
            try await eventually("two TTLs to pass while the holder renews", timeout: .seconds(40)) {
                guard let lease = try await fixture.store.leaseHolder(account: "1", name: "ingest") else { return false }
                return lease.expiresAt.timeIntervalSince(first.expiresAt) > 10
            }
            #expect(!standby.output().contains("holder \(standbyOwner)"), "\(standby.output())")
            #expect(!holder.output().contains("lost"), "\(holder.output())")
            #expect(try await fixture.store.leaseHolder(account: "1", name: "ingest")?.owner == holderOwner)
            // The skewed standby was asking all along: once the holder stops, it takes over.
            holder.killNow()
            _ = try await holder.waitForExit()
            try await standby.waitForLine(containing: "holder \(standbyOwner)", timeout: .seconds(20))
            standby.killNow()
            _ = try await standby.waitForExit()
        }
    }

    /// A holder whose host clock runs 30 s behind would still find its 2 s lease valid after
    /// being stopped for longer than the TTL; the server's clock says it expired, so its next
    /// renewal fails and it stops acting as the holder.
    @Test func aHolderWhoseClockIs30SecondsBehindDoesNotKeepAnExpiredLease() async throws {
        try await PostgresFixture.with(systemClock: true) { (fixture: PostgresFixture) async throws in
            let arguments = ["lease", "--state", fixture.url, "--account", "1", "--name", "ingest", "--ttl-ms", "2000"]
            let holder = try await Self.skewed("lease-holder-behind", seconds: -30, arguments)
            let owner = try await holder.waitForLine(containing: "holder ").replacingOccurrences(of: "holder ", with: "")
            holder.send(SIGSTOP)
            try await eventually("the lease to expire on the server's clock", timeout: .seconds(30)) {
                try await fixture.store.leaseHolder(account: "1", name: "ingest") == nil
            }
            holder.send(SIGCONT)
            try await holder.waitForLine(containing: "lost \(owner)", timeout: .seconds(20))
            holder.killNow()
            _ = try await holder.waitForExit()
        }
    }

    /// The state probe with its wall clock moved by `seconds` (the `clock_skew` shim, built here).
    private static func skewed(_ name: String, seconds: Int, _ arguments: [String]) async throws -> RunningProcess {
        let library = try await ClockSkewShim.build()
        return try await RunningProcess(
            name: name, executable: PackagePaths.executable("state-probe"), arguments: arguments,
            environment: ["LD_PRELOAD": library, "KIAMO_CLOCK_SKEW_S": "\(seconds)"]
        )
    }
}
