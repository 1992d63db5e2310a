import Foundation
import KiamoTwitter
import TestSupport
import Testing
import XEmulator

/// The ingest worker's exactly-once and latency promises under the faults of issue 18: a crash
/// between chunks of a backlog, a broker outage longer than the lease during a publish, and the
/// polls after a burst. Worker, broker and state file are real; X is the emulator.
@Suite(.timeLimit(.minutes(5)))
struct IngestExactlyOnceTests {
    /// Deliveries of ids that had arrived already.
    func repeats(_ harness: IngestHarness) -> Int {
        harness.collector.messages.count - harness.collector.distinctIds.count
    }

    /// Waits until `count` distinct DMs arrived (bulk-seeded ones are counted, not named).
    func waitForDistinct(_ count: Int, on harness: IngestHarness) async throws {
        try await eventually("\(count) distinct DMs in the inbound queue", timeout: .seconds(120), every: .milliseconds(100)) {
            harness.collector.distinctIds.count >= count
        }
    }

    /// Hole 1: a SIGKILL after two chunks of 500 were confirmed re-publishes at most the chunk in
    /// flight, not everything published before the crash (was: 1,114 repeats of 2,000). The
    /// backlog is 4,000 DMs so that the kill, triggered by what the consumer has seen, still lands
    /// inside the batch on a loaded machine (with 2,000 the worker could finish first).
    @Test func aSIGKILLBetweenChunksOfABacklogPublishesAtMostOneChunkTwice() async throws {
        let harness = try await IngestHarness.start()
        let seeded = try harness.emulator.bulk(count: 4000, senders: 40)
        #expect(seeded.created == 4000)
        let worker = try await harness.startWorker(name: "ingest-killed")
        // The worker's own word that two chunks are committed: the consumer's count lags behind the
        // publisher on a loaded machine, and the batch could be over before it reached 1,000.
        try await eventually("two chunks committed", timeout: .seconds(60), every: .milliseconds(2)) {
            worker.output().components(separatedBy: "chunk committed").count - 1 >= 2
        }
        worker.killNow()
        _ = try await worker.waitForExit()
        // The kill landed inside the batch: the worker never finished it.
        #expect(!worker.output().contains("poll published 4000"))

        let restarted = try await harness.startWorker(name: "ingest-restarted")
        try await waitForDistinct(4000, on: harness)
        // A marker behind the backlog: once it arrived, every re-publication has too (one publisher, oldest first).
        let marker = try harness.emulator.postDM(from: try harness.customers(1)[0].id, text: "marker")
        try await harness.collector.waitFor([marker.id])
        let repeated = repeats(harness)
        #expect(repeated <= 500, "\(repeated) DMs published twice after a SIGKILL between chunks of 500")
        restarted.terminate()
        #expect(try await restarted.waitForExit(timeout: .seconds(10)) == .exited(0))
        await harness.stop()
    }

    /// Hole 7: the broker is down for longer than the lease TTL while the active process's
    /// publish waits on it; a standby must not take over and publish the same DMs (was: both
    /// published them when the broker came back).
    @Test func aBrokerOutageLongerThanTheLeaseDuringAPublishLeavesOnePublisher() async throws {
        try await withPrivateBroker { broker in
            let harness = try await IngestHarness.start(amqpURL: broker.url)
            let active = try await harness.startWorker(name: "ingest-active")
            let standby = try await harness.startWorker(name: "ingest-standby", standby: true)
            let customers = try harness.customers(5)
            var expected = try (0..<20).map { try harness.emulator.postDM(from: customers[$0 % 5].id, text: "before \($0)").id }
            try await harness.collector.waitFor(Set(expected))

            try await broker.ctl("stop_app")
            expected += try (0..<100).map { try harness.emulator.postDM(from: customers[$0 % 5].id, text: "during \($0)").id }
            // The active process reads them and its publish waits on the broker: wait until it has
            // read past them (every DM-read it made since answered), then keep the broker down for
            // three lease TTLs (3 s each): the outage is the scenario, not a wait for a result.
            let readsAtStop = harness.emulator.stats().families["dm-read"]?["200"] ?? 0
            try await eventually("the active process read the new DMs", timeout: .seconds(60)) {
                (harness.emulator.stats().families["dm-read"]?["200"] ?? 0) > readsAtStop
            }
            try await Task.sleep(for: .seconds(9))
            try await broker.ctl("start_app")

            try await harness.collector.waitFor(Set(expected), timeout: .seconds(90))
            let marker = try harness.emulator.postDM(from: customers[0].id, text: "marker").id
            try await harness.collector.waitFor([marker], timeout: .seconds(60))
            let repeated = repeats(harness)
            #expect(repeated == 0, "\(repeated) DMs published by both processes")
            #expect(!standby.output().contains("polling as the active ingest process"), "the standby took over while the holder waited on the broker")
            active.terminate()
            standby.terminate()
            _ = try await active.waitForExit()
            _ = try await standby.waitForExit()
            await harness.stop()
        }
    }

    /// Hole 2: after a 2,000-DM burst, each new DM reaches the queue within a poll interval and a
    /// margin, and a poll reads only what is new (was: every poll re-read the whole burst, X's
    /// 300 reads per 15 minutes were spent in seconds, and a new DM waited minutes).
    @Test func afterABurstNewDMsArriveWithinAPollAndPollsReadOnlyWhatIsNew() async throws {
        let harness = try await IngestHarness.start(rateLimits: RateLimitPolicy()) // X's windows, enforced
        let worker = try await harness.startWorker(["KIAMO_TWITTER_POLL_INTERVAL": "1s"])
        let burst = try harness.emulator.bulk(count: 2000, senders: 40)
        #expect(burst.created == 2000)
        try await waitForDistinct(2000, on: harness)

        let customer = try harness.customers(1)[0]
        let readsAfterBurst = harness.emulator.stats().families["dm-read"]?["200"] ?? 0
        let phase = ContinuousClock.now
        var slowest: Duration = .zero
        for index in 0..<15 {
            let posted = ContinuousClock.now
            let id = try harness.emulator.postDM(from: customer.id, text: "after the burst \(index)").id
            // Poll interval (1 s) plus a wide margin for a loaded machine; before the fix: minutes
            // (after about ten polls the budget was paced at one read call per 15 s).
            try await harness.collector.waitFor([id], timeout: .seconds(10))
            slowest = max(slowest, ContinuousClock.now - posted)
        }
        let elapsed = ContinuousClock.now - phase
        let reads = (harness.emulator.stats().families["dm-read"]?["200"] ?? 0) - readsAfterBurst
        // One read per poll, plus one sweep through the burst (21 pages) per half overlap (1 min).
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let polls = Int(seconds.rounded(.up)) + 1
        let sweeps = Int((seconds / 60).rounded(.up)) + 1
        #expect(reads <= polls + sweeps * 21, "\(reads) DM reads in \(elapsed) after the burst")
        #expect((harness.emulator.stats().families["dm-read"]?["429"] ?? 0) == 0)
        print("ingest burst: slowest new DM \(slowest), \(reads) DM reads in \(elapsed)")
        worker.terminate()
        #expect(try await worker.waitForExit(timeout: .seconds(10)) == .exited(0))
        await harness.stop()
    }

    /// Hole 8: the active poller is SIGKILLed; the standby publishes a new DM well before the
    /// lease TTL (30 s here) would have expired (was: the whole TTL).
    @Test func aStandbyTakesOverFromASIGKILLedPollerWellBeforeTheLeaseTTL() async throws {
        let harness = try await IngestHarness.start()
        let ttl = ["KIAMO_TWITTER_INGEST_LEASE_TTL": "30s"]
        let active = try await harness.startWorker(name: "ingest-active", ttl)
        let standby = try await harness.startWorker(name: "ingest-standby", ttl, standby: true)
        let customer = try harness.customers(1)[0]
        let before = try harness.emulator.postDM(from: customer.id, text: "before").id
        try await harness.collector.waitFor([before])

        active.killNow()
        let killedAt = ContinuousClock.now
        #expect(try await active.waitForExit() == .killed(by: SIGKILL))
        let after = try harness.emulator.postDM(from: customer.id, text: "after").id
        try await harness.collector.waitFor([after], timeout: .seconds(10))
        let takeover = ContinuousClock.now - killedAt
        #expect(takeover < .seconds(10), "take-over after \(takeover) with a 30 s lease")
        #expect(standby.output().contains("polling as the active ingest process"))
        // `after` once. `before` may come twice: the kill can land between the broker's confirm
        // (the collector already has it) and the active's commit, and a re-read publishes at most
        // that chunk again (README "How it works"); `== 2` in all failed now and then under load.
        let ids = harness.collector.messages.map(\.message.id)
        #expect(Set(ids) == [before, after] && ids.filter { $0 == after }.count == 1, "\(ids)")
        #expect(ids.filter { $0 == before }.count <= 2, "\(ids)")
        print("ingest take-over: \(takeover)")
        standby.terminate()
        #expect(try await standby.waitForExit(timeout: .seconds(10)) == .exited(0))
        await harness.stop()
    }
}
