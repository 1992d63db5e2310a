import AMQP
import ChildProcesses
import CurlHTTP
import Foundation
import Logging
import Synchronization
import XEmulator

/// `scripts/bench dispatch`: the `kiamo-twitter-dispatch` release worker serving 10 accounts
/// against the private broker and the `x-emulator` release process (X's limits off), both
/// spawned here. The worker runs with its defaults but one: `dispatch.prefetch` 200, as an
/// operator serving 10 accounts sets it (the default 32 is for one or two accounts: with the
/// default 8 DMs in flight per account, 32 cannot keep 10 busy).
///
/// - Throughput: 5,000 commands to 100 customers (10 per account) published at once; DMs per
///   second from the first publish to the 5,000th DM.
/// - Latency: 2,000 more commands published at a steady 500 a second; command-to-DM latency
///   (publish to X's `created_at` of the DM, one clock) p50 and p99.
/// - The worker's peak RSS (`VmHWM`) over both, with its RSS when idle and its anonymous
///   (heap and stack) RSS at the end: most of the resident set is the mapped executable and the
///   Swift, Foundation and OpenSSL libraries, which no workload changes.
enum DispatchBenchmark: Benchmark {
    static let name = "dispatch"
    static let summary = "dispatch worker, 10 accounts: 5,000 commands → DMs/s, command-to-DM latency p50/p99 at 500/s, worker peak RSS"

    /// The accounts served: the emulator's own first, then those of its accounts file.
    static let accounts = (1...10).map { String(1_000_000_000 + $0) }
    static let account = accounts[0]
    static let prefetch = 200
    static let customers = 100
    static let burst = 5000
    static let paced = 2000
    static let pacedRate = 500

    static func run(_ context: BenchContext) async throws {
        var logger = Logger(label: "kiamo-bench.dispatch")
        logger.logLevel = .warning
        let exchange = "kiamo.bench.\(UUID().uuidString.prefix(8).lowercased())"

        let others = accounts.dropFirst().map { id in
            ["id": id, "username": "kiamo_\(id.suffix(2))", "accessToken": "\(id)-bench-token", "accessTokenSecret": "\(id)-bench-token-secret"]
        }
        let accountsFile = context.scratch.appendingPathComponent("accounts.json")
        try JSONSerialization.data(withJSONObject: others).write(to: accountsFile)
        let emulator = try await Child.start(
            context.products.appendingPathComponent("x-emulator").path,
            arguments: [
                "--port", "0", "--account-id", account, "--account-username", "kiamo_support",
                "--accounts", accountsFile.path,
                "--consumer-key", "bench-key", "--consumer-secret", "bench-secret",
                "--access-token", "\(account)-bench-token", "--access-token-secret", "\(account)-bench-token-secret",
                // X's limits not enforced; DM windows so large the shared budget never paces
                // (with X's 200 per 15 minutes in the headers it would, after 160 sends).
                "--rate-limits", "off", "--rate-limit", "dm-send=100000000/900", "--rate-limit", "dm-read=100000000/900",
            ],
            environment: [:], log: context.scratch.appendingPathComponent("x-emulator.log"), readyLine: "listening on http://")
        try await emulator.whileRunning { try await measure(context, emulator: emulator, exchange: exchange, logger: logger) }
    }

    private static func measure(_ context: BenchContext, emulator: Child, exchange: String, logger: Logger) async throws {
        guard let range = emulator.readyText.range(of: #"http://[^ ]+"#, options: .regularExpression) else {
            throw BenchError.failed("x-emulator printed no URL: \(emulator.readyText)")
        }
        let baseURL = String(emulator.readyText[range])
        let http = try HTTPClient(logger: logger)
        defer { http.shutdown() }
        let control = ControlAPI(baseURL: baseURL, http: http)
        var recipients: [String] = []
        for index in 0..<customers {
            let id = String(2_000_000_000 + index)
            try await control.post("/users", ["id": id, "name": "Customer \(index)", "username": "customer\(index)"])
            recipients.append(id)
        }

        // The accounts in a configuration file, as an operator lists several.
        let configuration = context.scratch.appendingPathComponent("dispatch.yaml")
        var yaml = "dispatch:\n  prefetch: \(prefetch)\naccounts:\n"
        for id in accounts {
            yaml += "  - userId: \"\(id)\"\n    consumerKey: bench-key\n    consumerSecret: bench-secret\n"
            yaml += "    oauthToken: \"\(id)-bench-token\"\n    oauthTokenSecret: \"\(id)-bench-token-secret\"\n"
        }
        try yaml.write(to: configuration, atomically: true, encoding: .utf8)
        let worker = try await Child.start(
            context.products.appendingPathComponent("kiamo-twitter-dispatch").path, arguments: [],
            environment: [
                "KIAMO_TWITTER_CONFIG": configuration.path,
                "KIAMO_TWITTER_AMQP_URL": context.amqpURL, "KIAMO_TWITTER_AMQP_EXCHANGE": exchange,
                "KIAMO_TWITTER_STATE_URL": "sqlite://" + context.scratch.appendingPathComponent("state.db").path,
                "KIAMO_TWITTER_API_BASE_URL": baseURL, "KIAMO_TWITTER_HTTP_PORT": "0", "KIAMO_TWITTER_LOG_LEVEL": "info",
            ],
            log: context.scratch.appendingPathComponent("dispatch.log"), readyLine: "dispatch started")
        try await worker.whileRunning { try await measure(context, worker: worker, control: control, recipients: recipients, exchange: exchange, logger: logger) }
    }

    private static func measure(
        _ context: BenchContext, worker: Child, control: ControlAPI, recipients: [String], exchange: String,
        logger: Logger
    ) async throws {
        // Started and consuming, nothing sent yet: what the process costs before any work.
        let idleRSS = worker.memoryMiB("VmRSS")
        let idle = ProcessMemory.read(pid: worker.process.pid) ?? ProcessMemory()
        let sampler = MemorySampler(pid: worker.process.pid)
        let connection = try AMQPConnection(url: context.amqpURL, logger: logger)
        try await connection.connect()
        defer { Task { await connection.close() } }
        let channel = try await connection.openChannel()
        let reports = try await ReportCounter.start(connection: connection, queue: "\(exchange).reports")

        // Throughput: everything at once.
        var publishedAt: [Int: Date] = [:]
        let started = Date()
        for start in stride(from: 0, to: burst, by: 500) {
            let batch = Array(start..<min(start + 500, burst))
            let now = Date()
            for index in batch { publishedAt[index] = now }
            for result in await channel.publish(batch.map { command($0, recipients: recipients, exchange: exchange) }) { try result.get() }
        }
        try await waitFor("\(burst) sent reports", timeout: 120) { reports.count >= burst }
        let burstSent = try await control.sent()
        guard burstSent.count >= burst, let last = burstSent.map(\.createdAt).max() else {
            throw BenchError.failed("the emulator holds \(burstSent.count) DMs, expected \(burst)")
        }
        let seconds = last.timeIntervalSince(started)
        BenchReport.emit(bench: name, metric: "dms_per_second", value: Double(burst) / seconds, unit: "DM/s", goal: 2000)
        BenchReport.emit(bench: name, metric: "burst_seconds", value: seconds, unit: "s")

        // Latency: a steady stream.
        let pacedStart = ContinuousClock.now
        for offset in stride(from: 0, to: paced, by: pacedRate / 10) {
            try await ContinuousClock().sleep(until: pacedStart + .milliseconds(offset * 1000 / pacedRate))
            let batch = Array((burst + offset)..<(burst + min(offset + pacedRate / 10, paced)))
            let now = Date()
            for index in batch { publishedAt[index] = now }
            for result in await channel.publish(batch.map { command($0, recipients: recipients, exchange: exchange) }) { try result.get() }
        }
        try await waitFor("\(burst + paced) sent reports", timeout: 120) { reports.count >= burst + paced }
        let all = try await control.sent()
        var latencies: [Double] = []
        for dm in all {
            guard let index = Int(dm.text.split(separator: " ").last ?? ""), index >= burst, let published = publishedAt[index] else { continue }
            latencies.append(max(0, dm.createdAt.timeIntervalSince(published)) * 1000)
        }
        let histogram = LatencyHistogram(milliseconds: latencies)
        func percentile(_ p: Double) -> Double { histogram.milliseconds(atPercentile: p * 100) }
        BenchReport.emit(bench: name, metric: "latency_p50_at_\(pacedRate)_per_s", value: percentile(0.5), unit: "ms")
        BenchReport.emit(bench: name, metric: "latency_p99_at_\(pacedRate)_per_s", value: percentile(0.99), unit: "ms")
        BenchReport.emit(bench: name, metric: "worker_peak_rss", value: worker.memoryMiB("VmHWM"), unit: "MiB", goal: 40)
        BenchReport.emit(bench: name, metric: "worker_rss_idle", value: idleRSS, unit: "MiB")
        BenchReport.emit(bench: name, metric: "worker_anonymous_rss_end", value: worker.memoryMiB("RssAnon"), unit: "MiB")
        idle.emit(bench: name, role: "worker", phase: "idle", anonGoal: 8)
        sampler.stop().emit(bench: name, role: "worker", phase: "busy_peak", anonGoal: 24)
        let duplicates = all.count - Set(all.map(\.text)).count
        if duplicates != 0 || all.count != burst + paced {
            throw BenchError.failed("\(all.count) DMs for \(burst + paced) commands, \(duplicates) posted twice")
        }
    }

    /// Command `index` to a customer, as Kiamo publishes it.
    static func command(_ index: Int, recipients: [String], exchange: String) -> AMQPMessage {
        let body: [String: Any] = ["id": "bench-\(index)", "to": ["id": recipients[index % recipients.count]], "content": "bench reply \(index)"]
        // Customer i always writes to account i mod 10: 10 customers per account.
        return AMQPMessage(
            exchange: exchange, routingKey: "send.\(accounts[index % accounts.count])",
            body: (try? JSONSerialization.data(withJSONObject: body)) ?? Data(),
            properties: AMQPProperties(contentType: "application/json", deliveryMode: .persistent, messageId: "bench-\(index)"))
    }

    static func waitFor(_ what: String, timeout: Double, _ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(timeout)
        while !condition() {
            if ContinuousClock.now >= deadline { throw BenchError.failed("timed out waiting for \(what)") }
            try await Task.sleep(for: .milliseconds(5))
        }
    }
}

extension DispatchBenchmark {
    /// The emulator's control API, the two calls the benchmark makes.
    struct ControlAPI {
        let baseURL: String
        let http: HTTPClient

        func post(_ path: String, _ body: [String: String]) async throws {
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: "application/json")
            let response = try await http.execute(
                HTTPRequest(
                    method: .post, url: baseURL + "/_emulator" + path, headers: headers,
                    body: try JSONSerialization.data(withJSONObject: body)))
            guard (200..<300).contains(response.status) else { throw BenchError.failed("POST \(path): \(response.status) \(response.bodyText)") }
        }

        /// The DMs every account sent.
        func sent() async throws -> [SentDirectMessage] {
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .custom { decoder in
                try Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(try decoder.singleValueContainer().decode(String.self))
            }
            var sent: [SentDirectMessage] = []
            for account in DispatchBenchmark.accounts {
                let response = try await http.execute(HTTPRequest(method: .get, url: baseURL + "/_emulator/sent?account=\(account)"))
                sent += try decoder.decode([String: [SentDirectMessage]].self, from: response.body)["sent"] ?? []
            }
            return sent
        }
    }

    /// Counts the reports the worker publishes.
    final class ReportCounter: Sendable {
        private let counted = Mutex(0)

        var count: Int { counted.withLock { $0 } }

        /// Consumes `queue` in a task of its own, counting and acknowledging every report.
        static func start(connection: AMQPConnection, queue: String) async throws -> ReportCounter {
            let channel = try await connection.openChannel()
            try await channel.qos(prefetchCount: 1000)
            let consumer = try await channel.consume(queue: queue)
            let counter = ReportCounter()
            Task {
                do {
                    for try await delivery in consumer {
                        counter.counted.withLock { $0 += 1 }
                        try? await channel.ack(delivery)
                    }
                } catch {}
            }
            return counter
        }
    }

    /// A release product run as a child process, its output in a file; killed when stopped.
    final class Child: Sendable {
        let process: SpawnedChild
        let name: String
        /// The output line `start` waited for.
        let readyText: String

        private init(process: SpawnedChild, name: String, readyText: String) {
            self.name = name
            self.process = process
            self.readyText = readyText
        }

        /// Starts `executable` and returns once its output holds `readyLine`.
        static func start(_ executable: String, arguments: [String], environment: [String: String], log: URL, readyLine: String) async throws -> Child {
            let output = try SpawnedChild.file(log.path)
            let process = try await SpawnedChild.start(
                executable, arguments: arguments, environment: SpawnedChild.environment(adding: environment),
                input: try SpawnedChild.null(), output: output, error: try output.duplicate())
            let name = (executable as NSString).lastPathComponent
            let child = Child(process: process, name: name, readyText: "")
            var line: String?
            do {
                try await waitFor("\(log.lastPathComponent): '\(readyLine)'", timeout: 30) {
                    line = (try? String(contentsOf: log, encoding: .utf8))?.split(separator: "\n").first { $0.contains(readyLine) }.map(String.init)
                    return line != nil || !process.isRunning
                }
            } catch {
                await child.stop()
                throw error
            }
            guard let line else { throw BenchError.failed("\(executable) exited before '\(readyLine)'; see \(log.path)") }
            return Child(process: process, name: name, readyText: line)
        }

        /// A memory field of its `/proc/PID/status` (`VmHWM`: peak resident set; `VmRSS`;
        /// `RssAnon`: its own heap and stacks, without the mapped executable and libraries), in MiB.
        func memoryMiB(_ field: String) -> Double {
            guard let status = try? String(contentsOfFile: "/proc/\(process.pid)/status", encoding: .utf8),
                let line = status.split(separator: "\n").first(where: { $0.hasPrefix(field + ":") }),
                let kib = Double(line.split(separator: " ").dropFirst().first ?? "")
            else { return 0 }
            return kib / 1024
        }

        /// SIGTERM, then SIGKILL if it is still running after 10 s.
        func stop() async {
            guard process.isRunning else { return }
            process.send(SIGTERM)
            try? await waitFor("\(name) to exit", timeout: 10) { !process.isRunning }
            process.send(SIGKILL)
        }

        /// Runs `body`, then stops the child whatever happened.
        func whileRunning<T>(_ body: () async throws -> T) async throws -> T {
            do {
                let value = try await body()
                await stop()
                return value
            } catch {
                await stop()
                throw error
            }
        }
    }
}
