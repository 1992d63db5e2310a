import Foundation
import SharedState
import TestSupport
import Testing
import XAPI

/// Real OS processes (`state-probe`) sharing one SQLite state file.
@Suite(.serialized) struct MultiProcessTests {
    let folder: TemporaryFolder

    init() throws {
        folder = try TemporaryFolder()
    }

    @Test func eightProcessesUsingRotatingTokensNeverSeeInvalidGrantAndRefreshOncePerExpiry() async throws {
        let authority = folder.path("authority.db")
        let lifetimeMs = 2000, marginMs = 1000
        _ = try await ProbeProcess.run("authority-init", [
            "authority-init", "--authority", authority, "--lifetime-ms", "\(lifetimeMs)", "--refresh-token", "refresh-0",
        ])
        // As configuration seeds it: a refresh token only, no usable access token.
        let store = try await openStateStore(url: folder.stateURL(), logger: StoreFixture.logger)
        _ = try await store.seedToken(account: "1234", OAuth2Token(accessToken: "", refreshToken: "refresh-0", expiresAt: .distantPast))

        let started = ContinuousClock.now
        let probes = try (0..<8).map { index in
            try ProbeProcess.start("tokens-\(index)", [
                "tokens", "--state", folder.stateURL(), "--account", "1234", "--authority", authority,
                "--uses", "200", "--margin-ms", "\(marginMs)", "--every-ms", "20",
            ])
        }
        for probe in probes {
            let exit = try await probe.waitForExit(timeout: .seconds(120))
            #expect(exit == .exited(0), "\(probe.name): \(probe.output().suffix(1000))")
        }
        let elapsed = ContinuousClock.now - started

        for probe in probes {
            let summary = try ProbeProcess.summary(of: probe)
            #expect(summary["uses"] as? Int == 200)
            #expect(summary["failures"] as? Int == 0, "\(probe.name): \(probe.output().suffix(1000))")
        }
        let statistics = try JSONSerialization.jsonObject(
            with: Data(try await ProbeProcess.run("authority-stats", ["authority-stats", "--authority", authority]).utf8)
        ) as? [String: Int]
        let refreshes = try #require(statistics?["refreshes"])
        // Each pair is refreshed once it has less than the margin left: one refresh per
        // (lifetime - margin) of run time, plus the first. Eight processes refreshing on their
        // own would make eight times as many, and refusals.
        let expiries = Int((elapsed / .milliseconds(lifetimeMs - marginMs)).rounded(.up)) + 1
        #expect(refreshes >= 2)
        #expect(refreshes <= expiries + 1, "refreshes \(refreshes), expiries \(expiries) over \(elapsed)")
        #expect(statistics?["refusals"] == 0)
    }

    @Test func fourProcessesRacingForTheSameThousandCommandsClaimEachExactlyOnce() async throws {
        let store = try await openStateStore(url: folder.stateURL(), logger: StoreFixture.logger)
        let go = folder.path("go")
        let probes = try (0..<4).map { index in
            try ProbeProcess.start("claim-\(index)", ["claim", "--state", folder.stateURL(), "--account", "1", "--keys", "1000", "--go", go])
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

    @Test func aLeaseHolderKilledWithSIGKILLIsReplacedWithinTTLPlusOneSecond() async throws {
        let store = try await openStateStore(url: folder.stateURL(), logger: StoreFixture.logger)
        let ttl = Duration.seconds(2)
        let arguments = ["lease", "--state", folder.stateURL(), "--account", "1", "--name", "ingest", "--ttl-ms", "2000"]
        let holder = try ProbeProcess.start("lease-holder", arguments)
        let holderLine = try await holder.waitForLine(containing: "holder ")
        let standby = try ProbeProcess.start("lease-standby", arguments)
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

    @Test func aSIGKILLDuringCursorCommitsLeavesACommittedCursorAndItsBatchNeverATornOne() async throws {
        let start: Int64 = 999_999_800  // crosses from 9 to 10 digits during the first round
        let batch: Int64 = 7
        var lastCursor = start
        for round in 0..<5 {
            let probe = try ProbeProcess.start("cursor-\(round)", [
                "cursor", "--state", folder.stateURL(), "--account", "1", "--start", "\(start)", "--batch", "\(batch)",
            ])
            let commits = Int.random(in: 20...80)
            try await eventually("cursor-\(round) to commit \(commits) batches", timeout: .seconds(30), every: .milliseconds(1)) {
                probe.lines().filter { $0.hasPrefix("committed ") }.count >= commits
            }
            probe.killNow()
            #expect(try await probe.waitForExit() == .killed(by: SIGKILL))
            let printed = probe.lines().compactMap { $0.hasPrefix("committed ") ? Int64($0.dropFirst("committed ".count)) : nil }
            let lastPrinted = try #require(printed.last)

            let store = try await openStateStore(url: folder.stateURL(), logger: StoreFixture.logger)
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
