import AMQP
import CurlHTTP
import Foundation
import KiamoTwitter
import Logging
import Synchronization

/// `scripts/bench ingest`: the release ingest worker against the release emulator (rate limits
/// off) and the private broker.
///
/// 1. Drain: 20,000 DMs from 500 senders are waiting; the worker starts and publishes them all.
///    Messages per second (first message to last), X API calls per message, worker peak RSS.
/// 2. Latency: with a 1 s poll interval, DMs posted one by one at random moments; the time from
///    each DM's creation in the emulator to its arrival in the inbound queue, p50 and p99.
/// 3. Burst (issue 18, hole 2): X's rate limits enforced, a 2,000-DM burst drained, then DMs posted
///    at random moments: their latency, and the DM-read calls per poll while the burst is still
///    within the overlap (one per poll, plus a sweep through the burst every half overlap).
/// 4. Take-over (hole 8): two workers with a 15 s lease; the active one is SIGKILLed and a DM
///    posted at once: the time from the kill to that DM's arrival, through the standby.
enum IngestBenchmark: Benchmark {
    static let name = "ingest"
    static let summary = "drain 20,000 DMs from 500 senders; DM-to-queue latency with a 1 s poll, after a 2,000-DM burst too; take-over after a SIGKILL"

    static let drainCount = 20_000
    static let senders = 500
    static let latencySamples = 200
    static let account = "1234"

    static func run(_ context: BenchContext) async throws {
        try await drain(context)
        try await drain(context, traced: true)
        try await latency(context)
        try await burst(context)
        try await takeover(context)
    }

    // MARK: Drain

    /// `traced`: the same drain with tracing on (every turn sampled) to a receiver that counts the
    /// spans: what tracing costs the worker, and whether the exporter keeps up or drops.
    static func drain(_ context: BenchContext, traced: Bool = false) async throws {
        let emulator = try await ChildProgram.start(context, "x-emulator", arguments: emulatorArguments, readyLine: "listening on")
        defer { emulator.stop() }
        let receiver =
            traced
            ? try await ChildProgram.start(
                context, "otlp-receiver", executable: context.root.appendingPathComponent("scripts/otlp-receiver"),
                arguments: ["--count-only"], readyLine: "listening on") : nil
        defer { receiver?.stop() }
        var environment = [String: String]()
        if let receiver { environment["KIAMO_TWITTER_TRACING_ENDPOINT"] = try receiver.url() }
        let prefix = traced ? "traced_" : ""
        let baseURL = try emulator.url()
        let http = try HTTPClient(configuration: .init(), logger: quietLogger)
        defer { http.shutdown() }
        let bulk = try await http.execute(
            HTTPRequest(
                method: .post, url: baseURL + "/_emulator/dms/bulk", headers: ["Content-Type": "application/json"],
                body: Data(#"{"count":\#(drainCount),"senders":\#(senders)}"#.utf8)))
        guard bulk.status == 201 else { throw BenchError.failed("bulk seeding answered \(bulk.status): \(bulk.bodyText)") }

        let exchange = "bench.ingest.\(UUID().uuidString.prefix(6).lowercased())"
        let consumer = try await InboundCounter.start(url: context.amqpURL, exchange: exchange)
        defer { Task { await consumer.stop() } }

        let started = ContinuousClock.now
        let worker = try await ChildProgram.start(
            context, "kiamo-twitter-ingest",
            environment: workerEnvironment(context, baseURL: baseURL, exchange: exchange, poll: "1s")
                .merging(environment) { $1 },
            readyLine: "polling as the active ingest process")
        defer { worker.stop() }
        // Started, the backlog not yet read: the worker's own cost before any work.
        let idle = ProcessMemory.read(pid: worker.pid) ?? ProcessMemory()
        let sampler = MemorySampler(pid: worker.pid)
        var peakAnonymous = 0.0
        try await ChildProgram.waitFor("\(drainCount) messages in the inbound queue", timeout: 300) {
            peakAnonymous = max(peakAnonymous, worker.anonymousResidentMiB() ?? 0)
            return consumer.count >= drainCount
        }
        let drainPeak = sampler.stop()
        let (first, last) = consumer.window
        let peak = worker.peakResidentMiB() ?? 0

        let stats = try await http.execute(HTTPRequest(url: baseURL + "/_emulator/stats"))
        let families = (try JSONSerialization.jsonObject(with: stats.body) as? [String: Any])?["families"] as? [String: [String: Int]] ?? [:]
        let calls = families.values.reduce(0) { $0 + $1.values.reduce(0, +) }
        let seconds = max(0.001, (last - first).seconds)

        BenchReport.emit(bench: name, metric: prefix + "drain_messages_per_second", value: Double(drainCount) / seconds, unit: "msg/s", goal: 5000)
        if let receiver {
            // The exporter sends every second: give it two to send the last turns, then count.
            let statsURL = try receiver.url() + "/stats"
            var spans = 0
            let deadline = ContinuousClock.now + .seconds(5)
            while ContinuousClock.now < deadline {
                let answer = try await http.execute(HTTPRequest(url: statsURL))
                spans = (try JSONSerialization.jsonObject(with: answer.body) as? [String: Any])?["spans"] as? Int ?? 0
                if spans >= 3 * drainCount { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            BenchReport.emit(bench: name, metric: "traced_spans_received_per_message", value: Double(spans) / Double(drainCount), unit: "spans/msg", goal: 3)
            return
        }
        BenchReport.emit(bench: name, metric: "drain_total_seconds_from_start", value: (last - started).seconds, unit: "s")
        BenchReport.emit(bench: name, metric: "x_api_calls_per_message", value: Double(calls) / Double(drainCount), unit: "calls/msg", goal: 0.011)
        BenchReport.emit(bench: name, metric: "worker_peak_rss", value: peak, unit: "MiB", goal: 40)
        // RSS counts the code pages the kernel maps in (shared with every process running the
        // binary); the anonymous part is what the worker itself allocated.
        BenchReport.emit(bench: name, metric: "worker_peak_anonymous_rss", value: peakAnonymous, unit: "MiB")
        // The split issue 17 asks for: anonymous (the worker's own), file-backed (the binary and
        // libraries) and PSS, before any work and at the drain's peak.
        idle.emit(bench: name, role: "worker", phase: "idle", anonGoal: 8)
        drainPeak.emit(bench: name, role: "worker", phase: "drain_peak", anonGoal: 24)
        BenchReport.emit(bench: name, metric: "duplicates", value: Double(consumer.count - consumer.distinct), unit: "messages", goal: 0)
    }

    // MARK: Latency

    static func latency(_ context: BenchContext) async throws {
        let emulator = try await ChildProgram.start(context, "x-emulator", arguments: emulatorArguments, readyLine: "listening on")
        defer { emulator.stop() }
        let baseURL = try emulator.url()
        let http = try HTTPClient(configuration: .init(), logger: quietLogger)
        defer { http.shutdown() }
        let user = try await http.execute(
            HTTPRequest(
                method: .post, url: baseURL + "/_emulator/users", headers: ["Content-Type": "application/json"],
                body: Data(#"{"name":"Latency Probe","username":"latency_probe"}"#.utf8)))
        guard user.status == 201, let customer = (try JSONSerialization.jsonObject(with: user.body) as? [String: Any])?["id"] as? String else {
            throw BenchError.failed("creating a customer answered \(user.status): \(user.bodyText)")
        }

        let exchange = "bench.latency.\(UUID().uuidString.prefix(6).lowercased())"
        let consumer = try await InboundCounter.start(url: context.amqpURL, exchange: exchange)
        defer { Task { await consumer.stop() } }
        let worker = try await ChildProgram.start(
            context, "kiamo-twitter-ingest",
            environment: workerEnvironment(context, baseURL: baseURL, exchange: exchange, poll: "1s"),
            readyLine: "polling as the active ingest process")
        defer { worker.stop() }

        // Post at random moments, so DMs land anywhere in the poll cycle; remember when each was created.
        var created: [String: ContinuousClock.Instant] = [:]
        for _ in 0..<latencySamples {
            try await Task.sleep(for: .milliseconds(Int.random(in: 20...180)))
            let posted = try await http.execute(
                HTTPRequest(
                    method: .post, url: baseURL + "/_emulator/dms", headers: ["Content-Type": "application/json"],
                    body: Data(#"{"from":"\#(customer)","text":"latency probe"}"#.utf8)))
            let now = ContinuousClock.now
            guard posted.status == 201, let id = (try JSONSerialization.jsonObject(with: posted.body) as? [String: Any])?["id"] as? String else {
                throw BenchError.failed("posting a DM answered \(posted.status): \(posted.bodyText)")
            }
            created[id] = now
        }
        try await ChildProgram.waitFor("\(latencySamples) latency probes", timeout: 60) { consumer.distinct >= latencySamples }
        let arrivals = consumer.arrivals
        let latencies = LatencyHistogram(milliseconds: created.compactMap { id, at in arrivals[id].map { ($0 - at).seconds * 1000 } })
        func percentile(_ p: Double) -> Double { latencies.milliseconds(atPercentile: p * 100) }
        BenchReport.emit(bench: name, metric: "latency_p50_poll_1s", value: percentile(0.50), unit: "ms")
        BenchReport.emit(bench: name, metric: "latency_p99_poll_1s", value: percentile(0.99), unit: "ms", goal: 1100)
        BenchReport.emit(bench: name, metric: "latency_max_poll_1s", value: latencies.maxMilliseconds, unit: "ms")
    }

    // MARK: Burst

    static let burstCount = 2000
    static let burstSamples = 30

    static func burst(_ context: BenchContext) async throws {
        let arguments = emulatorArguments.map { $0 == "off" ? "on" : $0 } // X's windows, enforced
        let emulator = try await ChildProgram.start(context, "x-emulator", arguments: arguments, readyLine: "listening on")
        defer { emulator.stop() }
        let baseURL = try emulator.url()
        let http = try HTTPClient(configuration: .init(), logger: quietLogger)
        defer { http.shutdown() }
        let customer = try await addCustomer(http, baseURL: baseURL, username: "burst_probe")

        let exchange = "bench.burst.\(UUID().uuidString.prefix(6).lowercased())"
        let consumer = try await InboundCounter.start(url: context.amqpURL, exchange: exchange)
        defer { Task { await consumer.stop() } }
        let worker = try await ChildProgram.start(
            context, "kiamo-twitter-ingest",
            environment: workerEnvironment(context, baseURL: baseURL, exchange: exchange, poll: "1s"),
            readyLine: "polling as the active ingest process")
        defer { worker.stop() }
        let bulk = try await http.execute(
            HTTPRequest(
                method: .post, url: baseURL + "/_emulator/dms/bulk", headers: ["Content-Type": "application/json"],
                body: Data(#"{"count":\#(burstCount),"senders":50}"#.utf8)))
        guard bulk.status == 201 else { throw BenchError.failed("bulk seeding answered \(bulk.status): \(bulk.bodyText)") }
        try await ChildProgram.waitFor("the \(burstCount)-DM burst in the inbound queue", timeout: 120) { consumer.distinct >= burstCount }

        let readsBefore = try await dmReads(http, baseURL: baseURL)
        let phase = ContinuousClock.now
        var created: [String: ContinuousClock.Instant] = [:]
        for _ in 0..<burstSamples {
            try await Task.sleep(for: .milliseconds(Int.random(in: 200...800)))
            let (id, at) = try await postDM(http, baseURL: baseURL, from: customer)
            created[id] = at
        }
        try await ChildProgram.waitFor("\(burstSamples) DMs after the burst", timeout: 60) { consumer.distinct >= burstCount + burstSamples }
        let elapsed = (ContinuousClock.now - phase).seconds
        let reads = try await dmReads(http, baseURL: baseURL) - readsBefore
        let arrivals = consumer.arrivals
        let latencies = LatencyHistogram(milliseconds: created.compactMap { id, at in arrivals[id].map { ($0 - at).seconds * 1000 } })
        func percentile(_ p: Double) -> Double { latencies.milliseconds(atPercentile: p * 100) }
        BenchReport.emit(bench: name, metric: "burst_latency_p50_poll_1s", value: percentile(0.50), unit: "ms")
        BenchReport.emit(bench: name, metric: "burst_latency_p99_poll_1s", value: percentile(0.99), unit: "ms", goal: 1100)
        BenchReport.emit(bench: name, metric: "burst_latency_max_poll_1s", value: latencies.maxMilliseconds, unit: "ms")
        BenchReport.emit(bench: name, metric: "burst_dm_reads_per_poll", value: Double(reads) / max(1, elapsed), unit: "calls/poll")
    }

    // MARK: Take-over

    static let takeoverRounds = 3

    static func takeover(_ context: BenchContext) async throws {
        let emulator = try await ChildProgram.start(context, "x-emulator", arguments: emulatorArguments, readyLine: "listening on")
        defer { emulator.stop() }
        let baseURL = try emulator.url()
        let http = try HTTPClient(configuration: .init(), logger: quietLogger)
        defer { http.shutdown() }
        let customer = try await addCustomer(http, baseURL: baseURL, username: "takeover_probe")

        let exchange = "bench.takeover.\(UUID().uuidString.prefix(6).lowercased())"
        let consumer = try await InboundCounter.start(url: context.amqpURL, exchange: exchange)
        defer { Task { await consumer.stop() } }
        var environment = workerEnvironment(context, baseURL: baseURL, exchange: exchange, poll: "1s")
        environment["KIAMO_TWITTER_INGEST_LEASE_TTL"] = "15s"
        var active = try await ChildProgram.start(
            context, "kiamo-twitter-ingest", environment: environment,
            readyLine: "polling as the active ingest process")
        var workers = [active]
        defer { for worker in workers { worker.stop() } }
        var takeovers: [Double] = []
        for _ in 0..<takeoverRounds {
            let standby = try await ChildProgram.start(context, "kiamo-twitter-ingest", environment: environment, readyLine: "ingest started")
            workers.append(standby)
            let before = consumer.distinct
            kill(active.pid, SIGKILL)
            let killed = ContinuousClock.now
            let (id, _) = try await postDM(http, baseURL: baseURL, from: customer)
            try await ChildProgram.waitFor("the standby to publish a DM", timeout: 60) { consumer.arrivals[id] != nil }
            guard let arrived = consumer.arrivals[id], consumer.distinct == before + 1 else { throw BenchError.failed("take-over lost or doubled a DM") }
            takeovers.append((arrived - killed).seconds)
            active = standby
        }
        takeovers.sort()
        BenchReport.emit(bench: name, metric: "takeover_after_sigkill_p50_lease_15s", value: takeovers[takeovers.count / 2], unit: "s")
        BenchReport.emit(bench: name, metric: "takeover_after_sigkill_max_lease_15s", value: takeovers.last ?? 0, unit: "s", goal: 2)
    }

    // MARK: Helpers

    static func addCustomer(_ http: HTTPClient, baseURL: String, username: String) async throws -> String {
        let user = try await http.execute(
            HTTPRequest(
                method: .post, url: baseURL + "/_emulator/users", headers: ["Content-Type": "application/json"],
                body: Data(#"{"name":"Probe","username":"\#(username)"}"#.utf8)))
        guard user.status == 201, let id = (try JSONSerialization.jsonObject(with: user.body) as? [String: Any])?["id"] as? String else {
            throw BenchError.failed("creating a customer answered \(user.status): \(user.bodyText)")
        }
        return id
    }

    /// Posts a DM from `customer`; its id and when the emulator answered.
    static func postDM(_ http: HTTPClient, baseURL: String, from customer: String) async throws -> (String, ContinuousClock.Instant) {
        let posted = try await http.execute(
            HTTPRequest(
                method: .post, url: baseURL + "/_emulator/dms", headers: ["Content-Type": "application/json"],
                body: Data(#"{"from":"\#(customer)","text":"probe"}"#.utf8)))
        let now = ContinuousClock.now
        guard posted.status == 201, let id = (try JSONSerialization.jsonObject(with: posted.body) as? [String: Any])?["id"] as? String else {
            throw BenchError.failed("posting a DM answered \(posted.status): \(posted.bodyText)")
        }
        return (id, now)
    }

    /// DM-list calls the emulator answered, whatever the status.
    static func dmReads(_ http: HTTPClient, baseURL: String) async throws -> Int {
        let stats = try await http.execute(HTTPRequest(url: baseURL + "/_emulator/stats"))
        let families = (try JSONSerialization.jsonObject(with: stats.body) as? [String: Any])?["families"] as? [String: [String: Int]] ?? [:]
        return families["dm-read"]?.values.reduce(0, +) ?? 0
    }

    static let emulatorArguments = [
        "--port", "0", "--rate-limits", "off", "--account-id", account, "--account-username", "bench",
        "--consumer-key", "bench-key", "--consumer-secret", "bench-secret",
        "--access-token", "\(account)-bench-token", "--access-token-secret", "bench-token-secret", "--log-level", "warning",
    ]

    static func workerEnvironment(_ context: BenchContext, baseURL: String, exchange: String, poll: String) -> [String: String] {
        let state = context.scratch.appendingPathComponent("state-\(exchange).db").path
        return [
            "KIAMO_TWITTER_CONFIG": "",
            "KIAMO_TWITTER_AMQP_URL": context.amqpURL,
            "KIAMO_TWITTER_AMQP_EXCHANGE": exchange,
            "KIAMO_TWITTER_STATE_URL": "sqlite://" + state,
            "KIAMO_TWITTER_API_BASE_URL": baseURL,
            "KIAMO_TWITTER_USER_ID": account,
            "KIAMO_TWITTER_CONSUMER_KEY": "bench-key",
            "KIAMO_TWITTER_CONSUMER_SECRET": "bench-secret",
            "KIAMO_TWITTER_OAUTH_TOKEN": "\(account)-bench-token",
            "KIAMO_TWITTER_OAUTH_TOKEN_SECRET": "bench-token-secret",
            "KIAMO_TWITTER_POLL_INTERVAL": poll,
            "KIAMO_TWITTER_BACKFILL": "1h",
            "KIAMO_TWITTER_HTTP_PORT": "0",
            "KIAMO_TWITTER_LOG_LEVEL": "info",
        ]
    }

    static var quietLogger: Logger {
        var logger = Logger(label: "kiamo-bench.ingest")
        logger.logLevel = .warning
        return logger
    }
}

/// Counts what arrives in an inbound queue, with each message's first arrival time.
final class InboundCounter: Sendable {
    private let connection: AMQPConnection
    private let state = Mutex<(count: Int, first: ContinuousClock.Instant?, last: ContinuousClock.Instant?, arrivals: [String: ContinuousClock.Instant])>((0, nil, nil, [:]))
    private let task = Mutex<Task<Void, Never>?>(nil)

    private init(connection: AMQPConnection) { self.connection = connection }

    static func start(url: String, exchange: String) async throws -> InboundCounter {
        let connection = try AMQPConnection(url: url, logger: IngestBenchmark.quietLogger)
        try await connection.connect()
        let channel = try await connection.openChannel()
        let topology = Topology(exchange: exchange)
        try await topology.declare(on: channel)
        try await channel.qos(prefetchCount: 1000)
        let consumer = try await channel.consume(queue: topology.inboundQueue)
        let counter = InboundCounter(connection: connection)
        counter.task.withLock {
            $0 = Task {
                do {
                    for try await delivery in consumer {
                        let now = ContinuousClock.now
                        counter.state.withLock { state in
                            state.count += 1
                            state.first = state.first ?? now
                            state.last = now
                            if let id = delivery.properties.messageId, state.arrivals[id] == nil { state.arrivals[id] = now }
                        }
                        try? await channel.ack(delivery)
                    }
                } catch {}
            }
        }
        return counter
    }

    var count: Int { state.withLock { $0.count } }
    var distinct: Int { state.withLock { $0.arrivals.count } }
    var arrivals: [String: ContinuousClock.Instant] { state.withLock { $0.arrivals } }
    var window: (ContinuousClock.Instant, ContinuousClock.Instant) {
        state.withLock { ($0.first ?? .now, $0.last ?? .now) }
    }

    func stop() async {
        task.withLock { $0?.cancel() }
        await connection.close()
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
