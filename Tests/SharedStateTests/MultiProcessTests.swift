import CurlHTTP
import Foundation
import SharedState
import TestSupport
import Testing
import XAPI
import XEmulator

/// Real OS processes (`state-probe`) sharing one state store: a SQLite file, or a PostgreSQL
/// database (each case a fresh one, dropped after).
@Suite(.serialized, .scratchDatabases) struct MultiProcessTests {
    let folder: TemporaryFolder

    init() throws {
        folder = try TemporaryFolder()
    }

    @Test(arguments: StateBackend.allCases)
    func eightProcessesCallingXWithExpiringTokensNeverSeeARefusedRefreshAndRefreshOncePerExpiry(backend: StateBackend) async throws {
        let state = try await StoreFixture.freshURL(backend, in: folder)
        // A confidential client: the probes refresh with HTTP Basic, the secret in their environment.
        let clientSecret = "state-probe-client-secret"
        let lifetime = Duration.seconds(2)
        let configuration = TestEmulator.configuration(rateLimits: .off, tokenLifetime: lifetime, clientSecret: clientSecret)
        try await withTestEmulator(configuration: configuration) { emulator in
            try await runEightTokenProbes(state: state, against: emulator, clientSecret: clientSecret, lifetime: lifetime)
        }
    }

    private func runEightTokenProbes(state: String, against emulator: TestEmulator, clientSecret: String, lifetime: Duration) async throws {
        typealias Credentials = TestEmulator.Credentials
        // As configuration seeds it: the refresh token X issued, no usable access token.
        let store = try await openStateStore(url: state, logger: StoreFixture.logger)
        _ = try await store.seedToken(
            account: Credentials.accountID,
            TokenPair(
                accessToken: "", refreshToken: Credentials.refreshToken, expiresAt: .distantPast
            ))

        // The probes trust a pair 300 ms after X stopped accepting it (a clock behind X's), so
        // every expiry reaches X as a 401 and goes through `token(afterRejecting:)`; the seeded
        // pair, expired from the start, goes through `validToken` in every probe's first call.
        let started = ContinuousClock.now
        let probes = try await (0..<8).asyncMap { index in
            try await ProbeProcess.start(
                "tokens-\(index)",
                [
                    "tokens", "--state", state, "--account", Credentials.accountID, "--base-url", emulator.baseURL,
                    "--client-id", Credentials.clientID, "--uses", "200", "--margin-ms", "-300", "--every-ms", "35",
                ], environment: ["STATE_PROBE_CLIENT_SECRET": clientSecret])
        }
        for probe in probes {
            let exit = try await probe.waitForExit(timeout: .seconds(60))
            #expect(exit == .exited(0), "\(probe.name): \(probe.output().suffix(1000))")
        }
        let elapsed = ContinuousClock.now - started
        let statistics = emulator.stats()

        var unauthorized = 0
        var refreshes = 0
        for probe in probes {
            let summary = try ProbeProcess.summary(of: probe)
            #expect(summary["succeeded"] as? Int == 200, "\(probe.name): \(probe.output().suffix(1000))")
            #expect(summary["failures"] as? Int == 0)
            #expect(summary["refreshRejected"] as? Int == 0)
            #expect(summary["refreshRefusals"] as? Int == 0)
            unauthorized += try #require(summary["unauthorized"] as? Int)
            refreshes += try #require(summary["refreshes"] as? Int)
        }
        // X saw what the probes saw: 1,600 calls answered 200, the 401s they retried after, and
        // no refresh it refused.
        #expect(statistics.count("GET /2/users/me", status: 200) == 1600)
        #expect(statistics.total("GET /2/users/me") == 1600 + unauthorized)
        #expect(unauthorized > 0, "no expiry reached X as a 401: token(afterRejecting:) was not exercised")
        #expect(statistics.tokenRefreshes == refreshes)
        #expect(statistics.total("POST /2/oauth2/token") == refreshes, "X refused refreshes: \(statistics.requests)")

        // One refresh per expiry, not one per process: each pair is refreshed once X stops
        // accepting it, so refreshes are at least `lifetime` apart.
        let expiries = elapsed / lifetime
        #expect(refreshes >= 3, "the run covered too few expiries: \(refreshes) refreshes in \(elapsed)")
        #expect(Double(refreshes) <= expiries + 2, "\(refreshes) refreshes for \(expiries) expiries over \(elapsed)")

        // One chain: every pair X issued was stored in turn, and the last one is live at X.
        let stored = try #require(try await store.storedToken(account: Credentials.accountID))
        #expect(stored.version == Int64(refreshes) + 1)
        var loopback = HTTPClient.Configuration()
        loopback.proxy = .none
        let http = try HTTPClient(configuration: loopback)
        defer { http.shutdown() }
        let client = OAuth2Client(
            clientId: Credentials.clientID, clientSecret: clientSecret, tokenURL: emulator.baseURL + "/2/oauth2/token", transport: http
        )
        _ = try await client.refresh(
            OAuth2Token(
                accessToken: stored.token.accessToken, refreshToken: stored.token.refreshToken, expiresAt: stored.token.expiresAt
            ))
    }

    @Test(arguments: StateBackend.allCases) func eightProcessesCreatingOneNewStateFileAtOnceAllOpenIt(backend: StateBackend) async throws {
        // SQLite skips the busy handler for the switch of a new file to WAL: workers started
        // together on a new volume (compose) must wait for each other rather than fail. On
        // PostgreSQL, workers started together on a new database migrate it once.
        for round in 0..<4 {
            let state = try await StoreFixture.freshURL(backend, in: folder, name: "fresh-\(round).db")
            let go = folder.path("go-\(round)")
            let probes = try await (0..<8).asyncMap { index in
                try await ProbeProcess.start("open-\(round)-\(index)", ["open", "--state", state, "--go", go])
            }
            for probe in probes { try await probe.waitForLine(containing: "ready") }
            #expect(FileManager.default.createFile(atPath: go, contents: nil))
            for probe in probes {
                let exit = try await probe.waitForExit(timeout: .seconds(30))
                #expect(exit == .exited(0), "\(probe.name): \(probe.output().suffix(1000))")
                #expect(probe.output().contains("opened"))
            }
        }
    }

    @Test(arguments: StateBackend.allCases) func fourProcessesRacingForTheSameThousandCommandsClaimEachExactlyOnce(backend: StateBackend) async throws {
        let state = try await StoreFixture.freshURL(backend, in: folder)
        let store = try await openStateStore(url: state, logger: StoreFixture.logger)
        let go = folder.path("go")
        let probes = try await (0..<4).asyncMap { index in
            try await ProbeProcess.start("claim-\(index)", ["claim", "--state", state, "--account", "1", "--keys", "1000", "--go", go])
        }
        for probe in probes { try await probe.waitForLine(containing: "ready") }
        #expect(FileManager.default.createFile(atPath: go, contents: nil))
        for probe in probes {
            let exit = try await probe.waitForExit(timeout: .seconds(60))
            #expect(exit == .exited(0), "\(probe.name): \(probe.output().suffix(1000))")
        }

        var claimedBy: [Int: String] = [:]
        var duplicates: [Int] = []
        for probe in probes {
            let summary = try ProbeProcess.summary(of: probe)
            let owner = try #require(summary["owner"] as? String)
            for index in try #require(summary["claimed"] as? [Int]) {
                if claimedBy.updateValue(owner, forKey: index) != nil { duplicates.append(index) }
            }
        }
        #expect(duplicates.isEmpty)
        #expect(claimedBy.count == 1000)
        #expect(Set(claimedBy.values).count > 1, "the race had a single winner throughout: no contention was exercised")
        for index in [0, 499, 999] {
            let entry = try await store.sendEntry(account: "1", key: "cmd-\(index)")
            guard case .sent(let dmEventId, _, _) = entry?.state else {
                Issue.record("cmd-\(index) is not sent: \(String(describing: entry))")
                continue
            }
            #expect(dmEventId == "dm-\(index)")
            #expect(entry?.attempts == 1)
        }
    }

    @Test(arguments: StateBackend.allCases) func aLeaseHolderKilledWithSIGKILLIsReplacedWithinTTLPlusOneSecond(backend: StateBackend) async throws {
        let state = try await StoreFixture.freshURL(backend, in: folder)
        let store = try await openStateStore(url: state, logger: StoreFixture.logger)
        let ttl = Duration.seconds(2)
        let arguments = ["lease", "--state", state, "--account", "1", "--name", "ingest", "--ttl-ms", "2000"]
        let holder = try await ProbeProcess.start("lease-holder", arguments)
        let holderLine = try await holder.waitForLine(containing: "holder ")
        let standby = try await ProbeProcess.start("lease-standby", arguments)
        let standbyOwner = try await standby.waitForLine(containing: "started ").replacingOccurrences(of: "started ", with: "")
        // The standby keeps trying while the holder renews: it must not get the lease.
        let attemptsBefore = standby.lines().count
        try await eventually("the holder to renew at least twice while the standby waits", timeout: .seconds(5)) {
            guard let lease = try await store.leaseHolder(account: "1", name: "ingest") else { return false }
            return lease.expiresAt.timeIntervalSince(lease.acquiredAt) > 2.9
        }
        #expect(standby.lines().count == attemptsBefore)
        #expect(try await store.leaseHolder(account: "1", name: "ingest")?.owner == holderLine.replacingOccurrences(of: "holder ", with: ""))

        holder.killNow()
        let killedAt = ContinuousClock.now
        #expect(try await holder.waitForExit() == .killed(by: SIGKILL))
        try await standby.waitForLine(containing: "holder \(standbyOwner)", timeout: ttl + .seconds(1))
        let takeover = ContinuousClock.now - killedAt
        #expect(takeover <= ttl + .seconds(1))
        #expect(try await store.leaseHolder(account: "1", name: "ingest")?.owner == standbyOwner)
    }

    /// A holder known dead (its liveness lock freed by the kernel) is replaced without waiting for
    /// a 30 s TTL; before, the standby waited the whole TTL.
    @Test(arguments: StateBackend.allCases) func aLeaseHolderKilledWithSIGKILLIsReplacedWellBeforeTheTTL(backend: StateBackend) async throws {
        let state = try await StoreFixture.freshURL(backend, in: folder)
        let store = try await openStateStore(url: state, logger: StoreFixture.logger)
        let arguments = ["lease", "--state", state, "--account", "1", "--name", "ingest", "--ttl-ms", "30000"]
        let holder = try await ProbeProcess.start("lease-holder", arguments)
        let holderOwner = try await holder.waitForLine(containing: "holder ").replacingOccurrences(of: "holder ", with: "")
        let standby = try await ProbeProcess.start("lease-standby", arguments)
        let standbyOwner = try await standby.waitForLine(containing: "started ").replacingOccurrences(of: "started ", with: "")
        // A live holder keeps it: asked from this process too, the lease stays the holder's.
        #expect(try await store.acquireLease(account: "1", name: "ingest", owner: "test-process", ttl: .seconds(30)) == nil)
        #expect(try await store.leaseHolder(account: "1", name: "ingest")?.owner == holderOwner)
        #expect(!standby.output().contains("holder \(standbyOwner)"))

        holder.killNow()
        let killedAt = ContinuousClock.now
        #expect(try await holder.waitForExit() == .killed(by: SIGKILL))
        try await standby.waitForLine(containing: "holder \(standbyOwner)", timeout: .seconds(10))
        let takeover = ContinuousClock.now - killedAt
        #expect(takeover < .seconds(10), "take-over after \(takeover) with a 30 s TTL")
        #expect(try await store.leaseHolder(account: "1", name: "ingest")?.owner == standbyOwner)
        holder.killNow()
        standby.killNow()
    }

    @Test(arguments: StateBackend.allCases) func aSIGKILLDuringCursorCommitsLeavesACommittedCursorAndItsBatchNeverATornOne(backend: StateBackend) async throws {
        let state = try await StoreFixture.freshURL(backend, in: folder)
        let start: Int64 = 999_999_800 // crosses from 9 to 10 digits during the first round
        let batch: Int64 = 7
        var lastCursor = start
        for round in 0..<5 {
            let probe = try await ProbeProcess.start(
                "cursor-\(round)",
                [
                    "cursor", "--state", state, "--account", "1", "--start", "\(start)", "--batch", "\(batch)",
                ])
            let commits = Int.random(in: 20...80)
            try await eventually("cursor-\(round) to commit \(commits) batches", timeout: .seconds(30), every: .milliseconds(1)) {
                let committed = probe.lines().filter { $0.hasPrefix("committed ") }.count >= commits
                // A probe that could not open the store is reported at once, not after 30 s.
                guard committed || probe.isRunning else {
                    throw ProbeProcess.ProbeFailed(name: probe.name, exit: try await probe.waitForExit(), output: probe.output())
                }
                return committed
            }
            probe.killNow()
            #expect(try await probe.waitForExit() == .killed(by: SIGKILL))
            let printed = probe.lines().compactMap { $0.hasPrefix("committed ") ? Int64($0.dropFirst("committed ".count)) : nil }
            let lastPrinted = try #require(printed.last)

            let store = try await openStateStore(url: state, logger: StoreFixture.logger)
            let cursor = try #require(try await store.cursor(account: "1").flatMap { Int64($0) })
            // Printed means committed, so the cursor is at least that; at most the one batch that
            // was in flight when the process died; always a batch boundary.
            #expect(cursor >= lastPrinted)
            #expect(cursor <= lastPrinted + batch)
            #expect((cursor - start) % batch == 0)
            #expect(cursor > lastCursor)
            // The ids of every committed batch are in the ledger, and none beyond the cursor.
            let ids = ((start + 1)...(cursor + batch)).map(String.init)
            let unseen = try await store.filterUnseen(account: "1", ids: ids)
            #expect(unseen == ((cursor + 1)...(cursor + batch)).map(String.init), "round \(round): cursor \(cursor)")
            lastCursor = cursor
        }
        #expect(lastCursor > 1_000_000_000)
    }
}
