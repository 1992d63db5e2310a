import Foundation
import KiamoTwitter
import Synchronization
import TestSupport
import Testing
import XEmulator

/// The ingest worker as its own OS process against the X emulator, a real RabbitMQ and SQLite.
@Suite(.timeLimit(.minutes(5)))
struct IngestWorkerTests {
    /// Posts `count` DMs round-robin from `customers`, each with text that must survive intact.
    func post(_ count: Int, from customers: [EmulatorUser], on harness: IngestHarness, offset: Int = 0) throws -> [KiamoMessage] {
        try (0..<count).map { index in
            let customer = customers[(offset + index) % customers.count]
            let text = "n°\(offset + index) \"quoted\"\nsecond line ✓ 👋🏽 שלום"
            let posted = try harness.emulator.postDM(from: customer.id, text: text)
            return KiamoMessage(
                id: posted.id, createdAt: Int(posted.createdAt.timeIntervalSince1970.rounded(.down)), senderId: customer.id,
                senderName: "\(customer.name)@\(customer.username)", content: text, accountId: harness.account.userId,
                conversationId: posted.conversationID)
        }
    }

    /// Every expected message arrived with exactly its fields; per conversation in posting order.
    func checkArrived(_ expected: [KiamoMessage], on harness: IngestHarness, exactlyOnce: Bool) throws {
        let received = harness.collector.messages
        var firstById: [String: KiamoMessage] = [:]
        for item in received where firstById[item.message.id] == nil { firstById[item.message.id] = item.message }
        for message in expected {
            #expect(firstById[message.id] == message, "message \(message.id) arrived as \(String(describing: firstById[message.id]))")
        }
        if exactlyOnce {
            #expect(received.count == expected.count, "\(received.count) deliveries for \(expected.count) DMs")
        } else {
            // A message published twice is the same message: same id, same bytes.
            let bodies = Dictionary(grouping: received, by: \.message.id)
            for (id, copies) in bodies where copies.count > 1 {
                #expect(Set(copies.map(\.body)).count == 1, "copies of \(id) differ")
            }
        }
        let order = Dictionary(grouping: received.map(\.message), by: \.conversationId)
        for (conversation, messages) in order {
            var seen = Set<String>()
            let firstArrivals = messages.filter { seen.insert($0.id).inserted }.map { Snowflake.parse($0.id) ?? 0 }
            #expect(firstArrivals == firstArrivals.sorted(), "conversation \(conversation) out of order")
        }
    }

    @Test func aThousandDMsFromFiftyCustomersArriveOnceEachInConversationOrderWithExactFields() async throws {
        let harness = try await IngestHarness.start()
        let worker = try await harness.startWorker()
        let customers = try harness.customers(50)
        let expected = try post(1000, from: customers, on: harness)
        try await harness.collector.waitFor(Set(expected.map(\.id)))
        try checkArrived(expected, on: harness, exactlyOnce: true)
        let first = try #require(harness.collector.messages.first)
        #expect(first.routingKey == "inbound.\(harness.account.userId)")
        #expect(first.properties.messageId == first.message.id)
        #expect(first.properties.deliveryMode == .persistent)
        #expect(first.properties.contentType == "application/json")
        #expect(first.properties.type == "kiamo.message")
        #expect(first.properties.headers.entries["x-account-id"] == .string(harness.account.userId))
        // v2 pages carry their senders: no user look-up beyond the start-up check (users/me).
        let families = harness.emulator.stats().families
        #expect((families["user-lookup"]?.values.reduce(0, +) ?? 0) == 0)
        #expect((families["users-me"]?.values.reduce(0, +) ?? 0) == 1)
        worker.terminate()
        #expect(try await worker.waitForExit(timeout: .seconds(10)) == .exited(0))
        await harness.stop()
    }

    @Test func stopAndRestartAndSIGKILLMidStreamLoseNothing() async throws {
        let harness = try await IngestHarness.start()
        let customers = try harness.customers(10)
        var expected: [KiamoMessage] = []
        var worker = try await harness.startWorker(name: "ingest-1")
        for round in 0..<6 {
            expected += try post(150, from: customers, on: harness, offset: round * 150)
            // Let it get partway through, then stop it: gracefully on even rounds, SIGKILL on odd ones.
            try await eventually("some messages of round \(round)", timeout: .seconds(30)) {
                harness.collector.distinctIds.count > expected.count - 150
            }
            if round.isMultiple(of: 2) {
                worker.terminate()
                #expect(try await worker.waitForExit(timeout: .seconds(10)) == .exited(0))
            } else {
                worker.killNow()
                _ = try await worker.waitForExit(timeout: .seconds(10))
            }
            worker = try await harness.startWorker(name: "ingest-\(round + 2)")
        }
        try await harness.collector.waitFor(Set(expected.map(\.id)))
        try checkArrived(expected, on: harness, exactlyOnce: false)
        worker.terminate()
        _ = try await worker.waitForExit()
        await harness.stop()
    }

    @Test func aBrokerRestartIsRiddenOutAndNothingIsLost() async throws {
        try await withPrivateBroker { broker in try await rideOutARestart(of: broker) }
    }

    private func rideOutARestart(of broker: PrivateBroker) async throws {
        let harness = try await IngestHarness.start(amqpURL: broker.url)
        let worker = try await harness.startWorker()
        let customers = try harness.customers(5)
        var expected = try post(100, from: customers, on: harness)
        try await harness.collector.waitFor(Set(expected.map(\.id)))
        try await broker.restartApp()
        expected += try post(100, from: customers, on: harness, offset: 100)
        try await harness.collector.waitFor(Set(expected.map(\.id)), timeout: .seconds(90))
        try checkArrived(expected, on: harness, exactlyOnce: false)
        #expect(worker.isRunning)
        worker.terminate()
        _ = try await worker.waitForExit()
        await harness.stop()
    }

    @Test func xFaultsNeitherCrashTheWorkerNorLoseAMessage() async throws {
        let harness = try await IngestHarness.start()
        let worker = try await harness.startWorker(["KIAMO_TWITTER_API_TIMEOUT": "1s"])
        let customers = try harness.customers(8)
        var expected: [KiamoMessage] = []
        let faults: [EmulatorFault] = [
            EmulatorFault(endpoint: "dm-read", kind: .status, status: 500, count: 2),
            EmulatorFault(endpoint: "dm-read", kind: .status, status: 503, count: 1),
            EmulatorFault(endpoint: "dm-read", kind: .delay, delayMs: 2500, count: 1),
            EmulatorFault(endpoint: "dm-read", kind: .drop, count: 2),
            EmulatorFault(endpoint: "dm-read", kind: .malformed, count: 1),
        ]
        // One kind of fault at a time, each with DMs waiting behind it: the worker backs off, retries
        // and publishes them all, once each.
        for (round, fault) in faults.enumerated() {
            try harness.emulator.fault(fault)
            expected += try post(40, from: customers, on: harness, offset: round * 40)
            try await harness.collector.waitFor(Set(expected.map(\.id)), timeout: .seconds(30))
        }
        try checkArrived(expected, on: harness, exactlyOnce: true)
        #expect(harness.emulator.stats().faultsApplied == 7)
        #expect(worker.isRunning)
        #expect(worker.output().contains("poll failed"))
        worker.terminate()
        #expect(try await worker.waitForExit(timeout: .seconds(10)) == .exited(0))
        await harness.stop()
    }

    @Test func underTightRateLimitsTheWorkerPacesItselfAndLosesNothing() async throws {
        // X's DM-read window shrunk to 6 requests per 4 s, against a 200 ms poll interval.
        var limits = RateLimitPolicy()
        limits.windows[.dmRead] = [RateLimitPolicy.Window(limit: 6, seconds: 4)]
        let harness = try await IngestHarness.start(rateLimits: limits)
        let worker = try await harness.startWorker()
        let customers = try harness.customers(5)
        var expected: [KiamoMessage] = []
        for round in 0..<4 {
            expected += try post(30, from: customers, on: harness, offset: round * 30)
            try await harness.collector.waitFor(Set(expected.map(\.id)), timeout: .seconds(30))
        }
        try checkArrived(expected, on: harness, exactlyOnce: true)
        let reads = harness.emulator.stats().families["dm-read"] ?? [:]
        let limited = reads["429"] ?? 0
        let served = reads["200"] ?? 0
        // The shared budget spreads the calls over the window: at most the odd 429 when a window turns.
        #expect(limited <= 3, "\(limited) rate-limited reads for \(served) served")
        #expect(worker.isRunning)
        worker.terminate()
        #expect(try await worker.waitForExit(timeout: .seconds(10)) == .exited(0))
        await harness.stop()
    }

    @Test func twoIngestProcessesForOneAccountPublishEachDMOnce() async throws {
        let harness = try await IngestHarness.start()
        let first = try await harness.startWorker(name: "ingest-a")
        let second = try await harness.startWorker(name: "ingest-b", standby: true)
        let customers = try harness.customers(10)
        var expected = try post(300, from: customers, on: harness)
        try await harness.collector.waitFor(Set(expected.map(\.id)))
        // The active one dies: the standby takes over within the lease TTL.
        first.killNow()
        _ = try await first.waitForExit()
        expected += try post(300, from: customers, on: harness, offset: 300)
        try await harness.collector.waitFor(Set(expected.map(\.id)), timeout: .seconds(30))
        try checkArrived(expected, on: harness, exactlyOnce: true)
        #expect(second.output().contains("polling as the active ingest process"))
        second.terminate()
        _ = try await second.waitForExit()
        await harness.stop()
    }

    @Test func wrongCredentialsOrAnotherUsersIdStopTheWorkerWithOneClearLine() async throws {
        let harness = try await IngestHarness.start()
        let wrong = try await RunningProcess(
            name: "ingest-bad-secret", executable: PackagePaths.executable("kiamo-twitter-ingest"),
            environment: harness.environment(["KIAMO_TWITTER_CONSUMER_SECRET": "not-the-secret"]))
        #expect(try await wrong.waitForExit(timeout: .seconds(30)) == .exited(2))
        #expect(wrong.output().contains("accounts[0]"))
        #expect(!wrong.output().contains("not-the-secret"))

        let other = try await RunningProcess(
            name: "ingest-other-user", executable: PackagePaths.executable("kiamo-twitter-ingest"),
            environment: harness.environment(["KIAMO_TWITTER_USER_ID": "999999"]))
        #expect(try await other.waitForExit(timeout: .seconds(30)) == .exited(2))
        #expect(other.output().contains("KIAMO_TWITTER_USER_ID"))
        await harness.stop()
    }

    @Test func anUnreachableBrokerIsRetriedWithBackoffAndSaidSo() async throws {
        let harness = try await IngestHarness.start()
        let port = try LoopbackHTTPServer.unusedPort()
        let worker = try await RunningProcess(
            name: "ingest-no-broker", executable: PackagePaths.executable("kiamo-twitter-ingest"),
            environment: harness.environment(["KIAMO_TWITTER_AMQP_URL": "amqp://guest:guest@127.0.0.1:\(port)/"]))
        _ = try await worker.waitForLine(containing: "retrying in", timeout: .seconds(20))
        #expect(worker.isRunning)
        #expect(!worker.output().contains("guest:guest"))
        worker.terminate()
        #expect(try await worker.waitForExit(timeout: .seconds(10)) == .exited(0))
        await harness.stop()
    }
}
