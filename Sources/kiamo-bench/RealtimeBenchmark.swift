import CurlHTTP
import Foundation
import KiamoTwitter
import Synchronization

/// `scripts/bench realtime`: the three ingest modes side by side, each with the release ingest
/// worker, the release emulator (rate limits off; pushing to loopback) and the private broker.
///
/// For `poll` (1 s interval), `stream` and `webhook` in turn:
/// 1. Idle: two minutes with no DM; X's DM-read calls, scaled to an hour.
/// 2. Load: 100 DMs a second for 60 s from 50 customers, each posted at its moment of a steady
///    schedule; the time from just before each DM's creation in the emulator to its arrival in the
///    inbound queue (p50, p99, max), and the DM-read calls, scaled to an hour.
enum RealtimeBenchmark: Benchmark {
    static let name = "realtime"
    static let summary = "poll (1 s) vs stream vs webhook: DM-to-queue latency at 100 DMs/s for 60 s, X read calls an hour idle and under load"

    static let rate = 100
    static let loadSeconds = 60
    static let idleSeconds = 120
    static let customers = 50

    static func run(_ context: BenchContext) async throws {
        for mode in ["poll", "stream", "webhook"] { try await measure(mode, context) }
    }

    static func measure(_ mode: String, _ context: BenchContext) async throws {
        let emulator = try await ChildProgram.start(
            context, "x-emulator", arguments: IngestBenchmark.emulatorArguments + ["--allow-insecure-webhooks"], readyLine: "listening on")
        defer { emulator.stop() }
        let baseURL = try emulator.url()
        let http = try HTTPClient(configuration: .init(), logger: IngestBenchmark.quietLogger)
        defer { http.shutdown() }
        var senders: [String] = []
        for index in 0..<customers { senders.append(try await IngestBenchmark.addCustomer(http, baseURL: baseURL, username: "rt\(index)")) }

        let exchange = "bench.realtime.\(mode).\(UUID().uuidString.prefix(6).lowercased())"
        let consumer = try await InboundCounter.start(url: context.amqpURL, exchange: exchange)
        defer { Task { await consumer.stop() } }
        var environment = IngestBenchmark.workerEnvironment(context, baseURL: baseURL, exchange: exchange, poll: "1s")
        environment["KIAMO_TWITTER_INGEST_MODE"] = mode
        environment["KIAMO_TWITTER_LOG_LEVEL"] = "warning"
        var readyLine = "ingest started"
        if mode == "webhook" {
            let port = try freePort()
            environment["KIAMO_TWITTER_WEBHOOK_HOST"] = "127.0.0.1"
            environment["KIAMO_TWITTER_WEBHOOK_PORT"] = "\(port)"
            environment["KIAMO_TWITTER_WEBHOOK_URL"] = "http://127.0.0.1:\(port)/webhooks/x"
            environment["KIAMO_TWITTER_LOG_LEVEL"] = "info"
            readyLine = "X delivers to the webhook"
        } else if mode == "stream" {
            environment["KIAMO_TWITTER_LOG_LEVEL"] = "info"
            readyLine = "connecting to X's activity stream"
        } else {
            environment["KIAMO_TWITTER_LOG_LEVEL"] = "info"
            readyLine = "polling as the active ingest process"
        }
        let worker = try await ChildProgram.start(context, "kiamo-twitter-ingest", environment: environment, readyLine: readyLine)
        defer { worker.stop() }
        // The first poll (a sweep through the overlap) is the start's, not the idle cost.
        try await Task.sleep(for: .seconds(3))

        let idleStart = try await IngestBenchmark.dmReads(http, baseURL: baseURL)
        try await Task.sleep(for: .seconds(idleSeconds))
        let idleReads = try await IngestBenchmark.dmReads(http, baseURL: baseURL) - idleStart
        BenchReport.emit(
            bench: name, metric: "idle_read_calls_per_hour_\(mode)", value: Double(idleReads) * 3600 / Double(idleSeconds), unit: "calls/h",
            goal: mode == "poll" ? nil : 60)

        // Load: each DM at its own moment of a steady schedule, posted concurrently.
        let loadStart = try await IngestBenchmark.dmReads(http, baseURL: baseURL)
        let created = CreationTimes()
        let total = rate * loadSeconds
        let origin = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<total {
                let due = origin + .milliseconds(Int64(index) * 1000 / Int64(rate))
                if due > ContinuousClock.now { try await Task.sleep(until: due) }
                let sender = senders[index % senders.count]
                group.addTask {
                    let before = ContinuousClock.now
                    let (id, _) = try await IngestBenchmark.postDM(http, baseURL: baseURL, from: sender)
                    created.record(id, at: before)
                }
            }
            try await group.waitForAll()
        }
        let posted = created.all
        try await ChildProgram.waitFor("\(total) DMs in the inbound queue (\(mode))", timeout: 180) { consumer.distinct >= total }
        let loadElapsed = (ContinuousClock.now - origin).seconds
        let loadReads = try await IngestBenchmark.dmReads(http, baseURL: baseURL) - loadStart
        let arrivals = consumer.arrivals
        let latencies = LatencyHistogram(milliseconds: posted.compactMap { id, at in arrivals[id].map { max(0, ($0 - at).seconds * 1000) } })
        let pushGoal: Double? = mode == "poll" ? nil : 50
        BenchReport.emit(bench: name, metric: "latency_p50_\(mode)", value: latencies.milliseconds(atPercentile: 50), unit: "ms")
        BenchReport.emit(bench: name, metric: "latency_p99_\(mode)", value: latencies.milliseconds(atPercentile: 99), unit: "ms", goal: pushGoal)
        BenchReport.emit(bench: name, metric: "latency_max_\(mode)", value: latencies.maxMilliseconds, unit: "ms")
        BenchReport.emit(bench: name, metric: "load_read_calls_per_hour_\(mode)", value: Double(loadReads) * 3600 / loadElapsed, unit: "calls/h")
        BenchReport.emit(bench: name, metric: "published_copies_\(mode)", value: Double(consumer.count - total), unit: "messages", goal: 0)
    }

    /// A port nothing listens on now (the worker binds it a moment later).
    static func freePort() throws -> Int {
        let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) == 0 && getsockname(socket, $0, &length) == 0 }
        }
        guard bound else { throw BenchError.failed("no free port: \(String(cString: strerror(errno)))") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// When each DM was posted, from the concurrent posting tasks.
final class CreationTimes: Sendable {
    private let times = Mutex<[String: ContinuousClock.Instant]>([:])

    func record(_ id: String, at instant: ContinuousClock.Instant) { times.withLock { $0[id] = instant } }
    var all: [String: ContinuousClock.Instant] { times.withLock { $0 } }
}
