import CurlHTTP
import Foundation
import KiamoTwitter
import TestSupport
import Testing
import XAPI
import XEmulator
import XEmulatorControl

/// `ingest.mode: webhook` as its own OS process, with the test acting as X's sender: signed
/// Account Activity deliveries to the worker's endpoint, the reconciliation poll against the
/// emulator, a real RabbitMQ and SQLite.
@Suite(.timeLimit(.minutes(5)))
struct IngestWebhookTests {
    struct Worker {
        let process: RunningProcess
        let webhookURL: String
        let metricsURL: String
    }

    let http: HTTPClient
    let signature = WebhookSignature(consumerSecret: TestAccount().consumerSecret)

    init() throws { http = try HTTPClient() }

    func startWorker(_ harness: IngestHarness, reconcile: String = "1s", name: String = "ingest-webhook") async throws -> Worker {
        let port = try LoopbackHTTPServer.unusedPort()
        let metrics = try LoopbackHTTPServer.unusedPort()
        let process = try await WorkerProcess.start(
            "kiamo-twitter-ingest", name: name,
            environment: harness.environment([
                "KIAMO_TWITTER_INGEST_MODE": "webhook", "KIAMO_TWITTER_RECONCILE_INTERVAL": reconcile,
                "KIAMO_TWITTER_WEBHOOK_HOST": "127.0.0.1", "KIAMO_TWITTER_WEBHOOK_PORT": "\(port)",
                "KIAMO_TWITTER_WEBHOOK_MAX_BODY_BYTES": "65536", "KIAMO_TWITTER_HTTP_PORT": "\(metrics)",
            ]),
            readyLine: "webhook endpoint listening")
        return Worker(process: process, webhookURL: "http://127.0.0.1:\(port)/webhooks/x", metricsURL: "http://127.0.0.1:\(metrics)/metrics")
    }

    /// The Account Activity delivery X sends for `posted` (X's documented shape).
    func delivery(of posted: PostedDirectMessage, from customer: EmulatorUser, text: String, account: String) -> Data {
        let event: [String: Any] = [
            "type": "message_create", "id": posted.id, "created_timestamp": String(Int64(posted.createdAt.timeIntervalSince1970 * 1000)),
            "message_create": ["target": ["recipient_id": account], "sender_id": customer.id, "message_data": ["text": text]],
        ]
        let body: [String: Any] = [
            "for_user_id": account, "direct_message_events": [event],
            "users": [customer.id: ["id": customer.id, "id_str": customer.id, "name": customer.name, "screen_name": customer.username]],
        ]
        return try! JSONSerialization.data(withJSONObject: body)
    }

    func post(_ body: Data, to worker: Worker, signature header: String?) async throws -> HTTPResponse {
        var request = HTTPRequest(method: .post, url: worker.webhookURL, body: body, timeout: .seconds(20))
        request.headers.add(name: "Content-Type", value: "application/json")
        if let header { request.headers.add(name: "x-twitter-webhooks-signature", value: header) }
        return try await http.execute(request)
    }

    func expected(_ posted: PostedDirectMessage, from customer: EmulatorUser, text: String, account: String) -> KiamoMessage {
        KiamoMessage(
            id: posted.id, createdAt: Int(posted.createdAt.timeIntervalSince1970.rounded(.down)), senderId: customer.id,
            senderName: "\(customer.name)@\(customer.username)", content: text, accountId: account, conversationId: posted.conversationID)
    }

    func metric(_ worker: Worker, _ line: String) async throws -> Double? {
        let text = String(decoding: try await http.execute(HTTPRequest(method: .get, url: worker.metricsURL)).body, as: UTF8.self)
        return text.split(separator: "\n").first { $0.hasPrefix(line + " ") }.flatMap { Double($0.split(separator: " ").last ?? "") }
    }

    @Test func signedDeliveriesArePublishedOnceWithExactFieldsAndRepeatsAreAcknowledgedWithoutACopy() async throws {
        let harness = try await IngestHarness.start()
        let worker = try await startWorker(harness)
        let customers = try harness.customers(3)
        var expected: [KiamoMessage] = []
        for index in 0..<12 {
            let customer = customers[index % 3]
            let text = "push n°\(index) \"quoted\"\nline ✓ 👋🏽"
            let posted = try harness.emulator.postDM(from: customer.id, text: text)
            let body = delivery(of: posted, from: customer, text: text, account: harness.account.userId)
            let answer = try await post(body, to: worker, signature: signature.signature(of: body))
            #expect(answer.status == 200, "\(String(decoding: answer.body, as: UTF8.self))")
            // X delivers again when an answer was lost: acknowledged, not published again.
            if index % 4 == 0 {
                let again = try await post(body, to: worker, signature: signature.signature(of: body))
                #expect(again.status == 200)
                #expect(String(decoding: again.body, as: UTF8.self).contains(#""repeated":"1""#))
            }
            expected.append(self.expected(posted, from: customer, text: text, account: harness.account.userId))
        }
        try await harness.collector.waitFor(Set(expected.map(\.id)))
        // Several reconciliation polls read the same DMs once they are past the push's grace;
        // none publishes a copy (the grace keeps them away meanwhile, the ledger after).
        let polls = #"kiamo_ingest_polls_total{account="\#(harness.account.userId)",outcome="ok"}"#
        let before = try await metric(worker, polls) ?? 0
        try await eventually("three more reconciliation polls", timeout: .seconds(20)) { (try await metric(worker, polls) ?? 0) >= before + 3 }
        let received = harness.collector.messages
        #expect(received.count == expected.count, "\(received.count) deliveries for \(expected.count) DMs")
        let byId = Dictionary(received.map { ($0.message.id, $0.message) }, uniquingKeysWith: { first, _ in first })
        for message in expected { #expect(byId[message.id] == message) }
        #expect(try await metric(worker, #"kiamo_ingest_messages_published_total{account="\#(harness.account.userId)",path="push"}"#) == 12)
        worker.process.terminate()
        #expect(try await worker.process.waitForExit(timeout: .seconds(10)) == .exited(0))
        await harness.stop()
    }

    @Test func aDMThePushMissedIsPublishedOnceByTheReconciliationPoll() async throws {
        let harness = try await IngestHarness.start()
        let worker = try await startWorker(harness)
        let customer = try harness.customers(1)[0]
        // Older than the push's grace (30 s): the reconciliation poll takes it.
        let posted = try harness.emulator.postDM(from: customer.id, text: "missed by the push", createdAt: Date().addingTimeInterval(-45))
        try await harness.collector.waitFor([posted.id], timeout: .seconds(20))
        #expect(harness.collector.messages.map(\.message) == [expected(posted, from: customer, text: "missed by the push", account: harness.account.userId)])
        try await eventually("the reconcile path counted", timeout: .seconds(10)) {
            try await metric(worker, #"kiamo_ingest_messages_published_total{account="\#(harness.account.userId)",path="reconcile"}"#) == 1
        }
        // The push of it, late (X's retry): acknowledged, nothing more published.
        let body = delivery(of: posted, from: customer, text: "missed by the push", account: harness.account.userId)
        let late = try await post(body, to: worker, signature: signature.signature(of: body))
        #expect(late.status == 200)
        #expect(String(decoding: late.body, as: UTF8.self).contains(#""repeated":"1""#))
        #expect(harness.collector.messages.count == 1)
        worker.process.terminate()
        _ = try await worker.process.waitForExit(timeout: .seconds(10))
        await harness.stop()
    }

    @Test func forgedUnsignedMalformedOversizedAndForeignDeliveriesAreRefusedWithAReasonAndPublishNothing() async throws {
        let harness = try await IngestHarness.start()
        let worker = try await startWorker(harness, reconcile: "1h")
        let customer = try harness.customers(1)[0]
        let posted = try harness.emulator.postDM(from: customer.id, text: "never pushed for real")
        let body = delivery(of: posted, from: customer, text: "never pushed for real", account: harness.account.userId)

        let unsigned = try await post(body, to: worker, signature: nil)
        #expect(unsigned.status == 401)
        #expect(String(decoding: unsigned.body, as: UTF8.self).contains("no x-twitter-webhooks-signature"))
        let forged = try await post(body, to: worker, signature: WebhookSignature(consumerSecret: "not-the-app-secret").signature(of: body))
        #expect(forged.status == 401)
        #expect(String(decoding: forged.body, as: UTF8.self).contains("signature does not match"))
        // A signature of another body (a captured one, replayed with new content).
        let tampered = try await post(body, to: worker, signature: signature.signature(of: Data("{}".utf8)))
        #expect(tampered.status == 401)
        let garbage = Data("{\"for_user_id\": ".utf8)
        let malformed = try await post(garbage, to: worker, signature: signature.signature(of: garbage))
        #expect(malformed.status == 400)
        #expect(String(decoding: malformed.body, as: UTF8.self).contains("not an X push payload"))
        let other = Data(#"{"for_user_id": "\#(harness.account.userId)", "tweet_create_events": [{"id_str": "1"}], "follow_events": []}"#.utf8)
        let otherAnswer = try await post(other, to: worker, signature: signature.signature(of: other))
        #expect(otherAnswer.status == 200)
        #expect(String(decoding: otherAnswer.body, as: UTF8.self).contains(#""published":"0""#))
        let foreign = delivery(of: posted, from: customer, text: "never pushed for real", account: "999999")
        let foreignAnswer = try await post(foreign, to: worker, signature: signature.signature(of: foreign))
        #expect(foreignAnswer.status == 200)
        #expect(String(decoding: foreignAnswer.body, as: UTF8.self).contains("not served here"))
        // 50 MB, over the 64 KiB limit: refused before it is read.
        let huge = Data(repeating: UInt8(ascii: "a"), count: 50 * 1_048_576)
        let oversized = try await post(huge, to: worker, signature: signature.signature(of: huge))
        #expect(oversized.status == 413)
        // A DM pushed again two days later (a captured delivery): skipped as stale.
        let old = try harness.emulator.postDM(from: customer.id, text: "old", createdAt: Date().addingTimeInterval(-3 * 86_400))
        let stale = delivery(of: old, from: customer, text: "old", account: harness.account.userId)
        let staleAnswer = try await post(stale, to: worker, signature: signature.signature(of: stale))
        #expect(staleAnswer.status == 200)
        #expect(String(decoding: staleAnswer.body, as: UTF8.self).contains(#""skipped":"1""#))

        // The CRC: X's token answered with the app's HMAC; a missing token refused.
        let crc = try await http.execute(HTTPRequest(method: .get, url: worker.webhookURL + "?crc_token=abc%2B123"))
        #expect(crc.status == 200)
        let token = try JSONDecoder().decode([String: String].self, from: crc.body)["response_token"]
        #expect(token == signature.responseToken(crcToken: "abc+123"))
        #expect(try await http.execute(HTTPRequest(method: .get, url: worker.webhookURL)).status == 400)

        #expect(worker.process.isRunning)
        #expect(harness.collector.messages.isEmpty)
        #expect(try await metric(worker, #"kiamo_ingest_webhook_requests_total{outcome="unsigned"}"#) == 1)
        #expect(try await metric(worker, #"kiamo_ingest_webhook_requests_total{outcome="bad_signature"}"#) == 2)
        #expect(try await metric(worker, #"kiamo_ingest_webhook_requests_total{outcome="malformed"}"#) == 1)
        #expect(try await metric(worker, #"kiamo_ingest_webhook_requests_total{outcome="too_large"}"#) == 1)
        #expect(!worker.process.output().contains(TestAccount().consumerSecret))
        worker.process.terminate()
        _ = try await worker.process.waitForExit(timeout: .seconds(10))
        await harness.stop()
    }

    // MARK: - X delivering (the emulator's webhooks)

    /// An emulator that delivers to http://127.0.0.1 (X itself only calls https without a
    /// port) and retries after `retryDelays`.
    static func pushingEmulator(retryDelays: [Duration]) -> EmulatorConfiguration {
        var configuration = TestEmulator.configuration(rateLimits: .off)
        configuration.allowInsecureWebhooks = true
        configuration.webhookRetryDelays = retryDelays
        return configuration
    }

    /// The worker enrolled with X: it registered its URL (X checked it) and subscribed the account.
    /// `url` is the public URL X calls (a load balancer's, the same for every process); by
    /// default this process's own.
    func startEnrolledWorker(
        _ harness: IngestHarness, reconcile: String = "1h", name: String = "ingest-webhook", port: Int? = nil, url: String? = nil
    ) async throws -> Worker {
        let port = try port ?? LoopbackHTTPServer.unusedPort()
        let metrics = try LoopbackHTTPServer.unusedPort()
        let url = url ?? "http://127.0.0.1:\(port)/webhooks/x"
        let process = try await WorkerProcess.start(
            "kiamo-twitter-ingest", name: name,
            environment: harness.environment([
                "KIAMO_TWITTER_INGEST_MODE": "webhook", "KIAMO_TWITTER_RECONCILE_INTERVAL": reconcile,
                "KIAMO_TWITTER_WEBHOOK_HOST": "127.0.0.1", "KIAMO_TWITTER_WEBHOOK_PORT": "\(port)", "KIAMO_TWITTER_WEBHOOK_URL": url,
                "KIAMO_TWITTER_HTTP_PORT": "\(metrics)",
            ]),
            readyLine: "X delivers to the webhook")
        return Worker(process: process, webhookURL: url, metricsURL: "http://127.0.0.1:\(metrics)/metrics")
    }

    func push(_ harness: IngestHarness) throws -> XPushClient {
        try XPushClient(
            baseURL: harness.emulator.baseURL, consumerKey: TestAccount().consumerKey, consumerSecret: TestAccount().consumerSecret, transport: http)
    }

    func post(_ count: Int, on harness: IngestHarness, from customers: [EmulatorUser], label: String) throws -> [KiamoMessage] {
        try (0..<count).map { index in
            let customer = customers[index % customers.count]
            let text = "\(label) n°\(index) \"quoted\" ✓ 👋🏽"
            return expected(try harness.emulator.postDM(from: customer.id, text: text), from: customer, text: text, account: harness.account.userId)
        }
    }

    func checkExactlyOnce(_ expected: [KiamoMessage], on harness: IngestHarness) {
        let received = harness.collector.messages
        #expect(received.count == expected.count, "\(received.count) deliveries for \(expected.count) DMs")
        let byId = Dictionary(received.map { ($0.message.id, $0.message) }, uniquingKeysWith: { first, _ in first })
        for message in expected { #expect(byId[message.id] == message) }
    }

    @Test func theWorkerEnrollsItsWebhookAndEveryDMXDeliversIsPublishedOnce() async throws {
        let harness = try await IngestHarness.start(emulatorConfiguration: Self.pushingEmulator(retryDelays: [.milliseconds(500)]))
        let worker = try await startEnrolledWorker(harness)
        let webhooks = try await push(harness).webhooks()
        #expect(webhooks.map(\.url) == [worker.webhookURL])
        #expect(webhooks.first?.valid == true)
        #expect(try await push(harness).accountActivitySubscriptions(webhookId: try #require(webhooks.first?.id)) == [harness.account.userId])
        let customers = try harness.customers(4)
        let expected = try post(30, on: harness, from: customers, label: "delivered")
        try await harness.collector.waitFor(Set(expected.map(\.id)), timeout: .seconds(30))
        checkExactlyOnce(expected, on: harness)
        #expect(try await metric(worker, #"kiamo_ingest_messages_published_total{account="\#(harness.account.userId)",path="push"}"#) == 30)
        // A second process behind the same public URL finds it registered and registers nothing.
        let second = try await startEnrolledWorker(harness, name: "ingest-webhook-2", url: worker.webhookURL)
        #expect(try await push(harness).webhooks().count == 1)
        second.process.terminate()
        worker.process.terminate()
        _ = try await second.process.waitForExit(timeout: .seconds(10))
        #expect(try await worker.process.waitForExit(timeout: .seconds(10)) == .exited(0))
        await harness.stop()
    }

    @Test func deliveriesRefusedWhileTheBrokerIsDownAreRetriedByXAndPublishedOnce() async throws {
        try await withPrivateBroker { broker in
            let harness = try await IngestHarness.start(
                amqpURL: broker.url, emulatorConfiguration: Self.pushingEmulator(retryDelays: [.seconds(5), .seconds(10), .seconds(20), .seconds(40)]))
            let worker = try await startEnrolledWorker(harness)
            let customers = try harness.customers(2)
            var expected = try post(3, on: harness, from: customers, label: "before")
            try await harness.collector.waitFor(Set(expected.map(\.id)), timeout: .seconds(30))
            try await broker.ctl("stop_app")
            let during = try post(3, on: harness, from: customers, label: "broker down")
            expected += during
            let control = EmulatorControlClient(baseURL: harness.emulator.baseURL, http: http)
            // X's first attempts get no 200 (the broker cannot confirm): 503 or a timeout.
            try await eventually("X's first attempts refused", timeout: .seconds(30)) {
                let refused = try await control.webhookDeliveries().filter { during.map(\.id).contains($0.eventID) && $0.status != 200 }
                return Set(refused.map(\.eventID)).count == during.count
            }
            try await broker.ctl("start_app")
            try await harness.collector.waitFor(Set(expected.map(\.id)), timeout: .seconds(90))
            // Each of them ends with a 200 from one of X's retries.
            try await eventually("a 200 for each", timeout: .seconds(90)) {
                let ok = try await control.webhookDeliveries().filter { during.map(\.id).contains($0.eventID) && $0.status == 200 }
                return Set(ok.map(\.eventID)).count == during.count
            }
            checkExactlyOnce(expected, on: harness)
            worker.process.terminate()
            _ = try await worker.process.waitForExit(timeout: .seconds(15))
            await harness.stop()
        }
    }

    @Test func aReplayAfterAnOutagePublishesOnlyWhatWasMissing() async throws {
        let harness = try await IngestHarness.start(emulatorConfiguration: Self.pushingEmulator(retryDelays: [.milliseconds(200)]))
        var worker = try await startEnrolledWorker(harness)
        let customers = try harness.customers(3)
        var expected = try post(4, on: harness, from: customers, label: "before")
        try await harness.collector.waitFor(Set(expected.map(\.id)), timeout: .seconds(30))
        // The webhook is down (the worker stopped) past X's retries: X gives those DMs up.
        let port = try #require(URLComponents(string: worker.webhookURL)?.port)
        worker.process.terminate()
        _ = try await worker.process.waitForExit(timeout: .seconds(10))
        let missed = try post(4, on: harness, from: customers, label: "outage")
        expected += missed
        let control = EmulatorControlClient(baseURL: harness.emulator.baseURL, http: http)
        try await eventually("X gave up on them", timeout: .seconds(20)) {
            try await control.webhookDeliveries().filter { missed.map(\.id).contains($0.eventID) }.count == missed.count * 2
        }
        worker = try await startEnrolledWorker(harness, port: port)
        let webhook = try #require(try await push(harness).webhooks().first)
        // The whole window again, before the outage included: only the missed DMs are new.
        _ = try await push(harness).replay(webhookId: webhook.id, from: Date().addingTimeInterval(-600), to: Date().addingTimeInterval(60))
        try await harness.collector.waitFor(Set(expected.map(\.id)), timeout: .seconds(30))
        try await eventually("every replayed delivery answered", timeout: .seconds(20)) {
            try await control.webhookDeliveries().filter { $0.replay && $0.status == 200 }.count >= expected.count
        }
        checkExactlyOnce(expected, on: harness)
        worker.process.terminate()
        _ = try await worker.process.waitForExit(timeout: .seconds(10))
        await harness.stop()
    }

    /// Two processes behind a load balancer: X delivers each DM once to three times (a retry
    /// after a late answer may land on the other process, at the same moment), some of them old
    /// enough for the reconciliation polls (every second, in both processes) to race the pushes.
    /// A random schedule each run; the seed is printed to replay it.
    @Test func twoProcessesBehindALoadBalancerRacingPushesAndPollsPublishEachDMOnce() async throws {
        let seed = UInt64.random(in: 0...UInt64(UInt32.max))
        print("IngestWebhookTests load-balancer seed: \(seed)")
        var random = SeededGenerator(seed: seed)
        let harness = try await IngestHarness.start()
        let first = try await startWorker(harness, reconcile: "1s", name: "ingest-a")
        let second = try await startWorker(harness, reconcile: "1s", name: "ingest-b")
        let customers = try harness.customers(5)
        var deliveries: [(body: Data, worker: Worker, delay: Duration)] = []
        var expected: [KiamoMessage] = []
        for index in 0..<60 {
            let customer = customers[index % customers.count]
            let text = "balanced n°\(index)"
            // A third of them 31 to 40 s old: past the push's grace, the polls may take them too.
            let age: Double = Double.random(in: 0...1, using: &random) < 0.34 ? Double.random(in: 31...40, using: &random) : 0
            let posted = try harness.emulator.postDM(from: customer.id, text: text, createdAt: Date().addingTimeInterval(-age))
            expected.append(self.expected(posted, from: customer, text: text, account: harness.account.userId))
            let body = delivery(of: posted, from: customer, text: text, account: harness.account.userId)
            // Copies of one delivery land within a few milliseconds of each other: X's retry of
            // an answer that came late, while the first process still publishes.
            let at = Int64.random(in: 0...1500, using: &random)
            for copy in 0..<Int.random(in: 1...3, using: &random) {
                let worker = copy == 0 ? (Bool.random(using: &random) ? first : second) : (copy % 2 == 1 ? second : first)
                deliveries.append((body, worker, .milliseconds(at + Int64.random(in: 0...3, using: &random))))
            }
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for delivery in deliveries {
                group.addTask {
                    try await Task.sleep(for: delivery.delay)
                    let answer = try await self.post(delivery.body, to: delivery.worker, signature: self.signature.signature(of: delivery.body))
                    #expect(answer.status == 200 || answer.status == 503, "\(answer.status)")
                }
            }
            try await group.waitForAll()
        }
        try await harness.collector.waitFor(Set(expected.map(\.id)), timeout: .seconds(60))
        // Both processes' polls go on for a few more rounds: nothing more may come.
        let polls = #"kiamo_ingest_polls_total{account="\#(harness.account.userId)",outcome="ok"}"#
        let before = (try await metric(first, polls) ?? 0) + (try await metric(second, polls) ?? 0)
        try await eventually("three more reconciliation polls", timeout: .seconds(20)) {
            (try await metric(first, polls) ?? 0) + (try await metric(second, polls) ?? 0) >= before + 3
        }
        checkExactlyOnce(expected, on: harness)
        first.process.terminate()
        second.process.terminate()
        _ = try await first.process.waitForExit(timeout: .seconds(10))
        _ = try await second.process.waitForExit(timeout: .seconds(10))
        await harness.stop()
    }

    /// The worker configured with a consumer secret that is not the app's: X cannot get a right
    /// CRC answer (nor an app token) from it, so nothing is registered; the worker says why, keeps
    /// trying, and its reconciliation still publishes every DM.
    @Test func aWrongConsumerSecretRegistersNothingSaysWhyAndTheReconciliationStillPublishes() async throws {
        let harness = try await IngestHarness.start(emulatorConfiguration: Self.pushingEmulator(retryDelays: [.milliseconds(200)]))
        let port = try LoopbackHTTPServer.unusedPort()
        let worker = try await WorkerProcess.start(
            "kiamo-twitter-ingest", name: "ingest-wrong-secret",
            environment: harness.environment([
                "KIAMO_TWITTER_INGEST_MODE": "webhook", "KIAMO_TWITTER_RECONCILE_INTERVAL": "1s",
                "KIAMO_TWITTER_WEBHOOK_HOST": "127.0.0.1", "KIAMO_TWITTER_WEBHOOK_PORT": "\(port)",
                "KIAMO_TWITTER_WEBHOOK_URL": "http://127.0.0.1:\(port)/webhooks/x",
                "KIAMO_TWITTER_APP_CONSUMER_KEY": TestAccount().consumerKey, "KIAMO_TWITTER_APP_CONSUMER_SECRET": "not-the-apps-secret",
            ]),
            readyLine: "enrolling the webhook with X failed")
        #expect(try await push(harness).webhooks().isEmpty)
        let customer = try harness.customers(1)[0]
        let posted = try harness.emulator.postDM(from: customer.id, text: "still arrives", createdAt: Date().addingTimeInterval(-40))
        try await harness.collector.waitFor([posted.id], timeout: .seconds(20))
        #expect(harness.collector.messages.map(\.message) == [expected(posted, from: customer, text: "still arrives", account: harness.account.userId)])
        #expect(!worker.output().contains("not-the-apps-secret"))
        worker.terminate()
        _ = try await worker.waitForExit(timeout: .seconds(10))
        await harness.stop()
    }
}
