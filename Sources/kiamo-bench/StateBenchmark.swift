import ChildProcesses
import Foundation
import Logging
import SharedState

/// `scripts/bench state`: a state backend under the load of several worker processes: the SQLite
/// file in the scratch folder, or the store `KIAMO_BENCH_STATE_STORE_URL` names (e.g. a loopback
/// PostgreSQL database: `postgres://user:pw@127.0.0.1:5432/bench?sslmode=disable`). Keys and
/// accounts carry a run id, so runs on one database never meet. Every metric names its backend
/// (`sqlite` or `postgres`); a PostgreSQL run also prints the server's `synchronous_commit`.
///
/// - Four processes (this executable again, in a hidden worker mode) claim and complete distinct
///   send commands on one file for a few seconds, as four dispatchers would: ledger transitions
///   per second in total, and the p50/p99 latency of a claim.
/// - One process adds then reads cached users: cache adds and gets per second.
enum StateBenchmark: Benchmark {
    static let name = "state"
    static let summary = "State store (SQLite, or KIAMO_BENCH_STATE_STORE_URL): send-ledger transitions/s and claim latency with 4 processes; cache add/get per second"

    /// The store to measure instead of a SQLite file in the scratch folder.
    static let storeURLKey = "KIAMO_BENCH_STATE_STORE_URL"

    static let workers = 4
    static let seconds = 5.0

    /// The environment keys of the worker mode.
    private enum Worker {
        static let index = "KIAMO_BENCH_STATE_WORKER"
        static let url = "KIAMO_BENCH_STATE_URL"
        static let go = "KIAMO_BENCH_STATE_GO"
        static let result = "KIAMO_BENCH_STATE_RESULT"
        static let run = "KIAMO_BENCH_STATE_RUN"
    }

    static func run(_ context: BenchContext) async throws {
        let environment = ProcessInfo.processInfo.environment
        if let index = environment[Worker.index] {
            try await runWorker(index: index, environment: environment)
            return
        }
        let url =
            environment[storeURLKey].flatMap { $0.isEmpty ? nil : $0 }
            ?? "sqlite://" + context.scratch.appendingPathComponent("state.db").path
        let backend = url.lowercased().hasPrefix("postgres") ? "postgres" : "sqlite"
        let run = String(UInt32.random(in: 0...UInt32.max), radix: 16)
        var logger = Logger(label: "kiamo-bench.state")
        logger.logLevel = .warning
        let store = try await openStateStore(url: url, logger: logger)
        if let postgres = store as? PostgresStateStore {
            let mode = try await postgres.serverSetting("synchronous_commit") ?? "unknown"
            FileHandle.standardError.write(Data("bench state: PostgreSQL synchronous_commit=\(mode)\n".utf8))
        }
        try await measureLedger(context, url: url, backend: backend, run: run)
        try await measureCache(store, backend: backend, run: run)
        if let postgres = store as? PostgresStateStore { await postgres.close() }
    }

    // MARK: Send ledger, 4 processes

    private static func measureLedger(_ context: BenchContext, url: String, backend: String, run: String) async throws {
        let go = context.scratch.appendingPathComponent("go").path
        var processes: [(SpawnedChild, URL)] = []
        for index in 0..<workers {
            let result = context.scratch.appendingPathComponent("worker-\(index).json")
            let process = try await SpawnedChild.start(
                context.products.appendingPathComponent("kiamo-bench").path, arguments: [name],
                environment: SpawnedChild.environment(adding: [
                    Worker.index: "\(index)", Worker.url: url, Worker.go: go, Worker.result: result.path, Worker.run: run,
                ]),
                input: try SpawnedChild.null(), output: try SpawnedChild.standardOutput(), error: try SpawnedChild.standardError())
            processes.append((process, result))
        }
        defer { for (process, _) in processes { process.send(SIGTERM) } }
        // Every worker has opened the store when its ready file exists; then they start together.
        for (_, result) in processes {
            try await waitFor("a worker to open the store") { FileManager.default.fileExists(atPath: result.path + ".ready") }
        }
        guard FileManager.default.createFile(atPath: go, contents: nil) else { throw BenchError.failed("cannot create \(go)") }
        for (process, _) in processes {
            try await waitFor("a worker to finish", timeout: seconds + 30) { !process.isRunning }
            guard process.ending == .exited(0) else { throw BenchError.failed("a state worker ended \(String(describing: process.ending))") }
        }

        var transitions = 0
        var elapsed = 0.0
        var latencies: [Double] = []
        for (_, result) in processes {
            let report = try JSONDecoder().decode(WorkerReport.self, from: Data(contentsOf: result))
            transitions += report.transitions
            elapsed = max(elapsed, report.seconds)
            latencies += report.claimMicroseconds
        }
        var histogram = LatencyHistogram()
        for microseconds in latencies { histogram.record(microseconds: microseconds) }
        func percentile(_ p: Double) -> Double {
            p >= 1 ? histogram.maxMilliseconds : histogram.milliseconds(atPercentile: p * 100)
        }
        BenchReport.emit(bench: name, metric: "\(backend)_ledger_transitions_per_second_4_processes", value: Double(transitions) / elapsed, unit: "transitions/s", goal: 5000)
        BenchReport.emit(bench: name, metric: "\(backend)_claim_latency_p50", value: percentile(0.50), unit: "ms")
        BenchReport.emit(bench: name, metric: "\(backend)_claim_latency_p99", value: percentile(0.99), unit: "ms", goal: 5)
        BenchReport.emit(bench: name, metric: "\(backend)_claim_latency_p999", value: percentile(0.999), unit: "ms")
        BenchReport.emit(bench: name, metric: "\(backend)_claim_latency_max", value: percentile(1), unit: "ms")
    }

    private struct WorkerReport: Codable {
        var transitions: Int
        var seconds: Double
        var claimMicroseconds: [Double]
    }

    /// One dispatcher's loop: claim a new command, complete it, as fast as the file allows.
    private static func runWorker(index: String, environment: [String: String]) async throws {
        guard let url = environment[Worker.url], let go = environment[Worker.go], let result = environment[Worker.result],
            let run = environment[Worker.run]
        else {
            throw BenchError.failed("state worker \(index): missing \(Worker.url), \(Worker.go) or \(Worker.result)")
        }
        var logger = Logger(label: "kiamo-bench.state.worker")
        logger.logLevel = .warning
        let store = try await openStateStore(url: url, logger: logger)
        let owner = OwnerID.make()
        guard FileManager.default.createFile(atPath: result + ".ready", contents: nil) else { throw BenchError.failed("cannot write \(result)") }
        try await waitFor("the start signal") { FileManager.default.fileExists(atPath: go) }

        let clock = ContinuousClock()
        let start = clock.now
        let end = start + .seconds(seconds)
        var transitions = 0
        var latencies: [Double] = []
        latencies.reserveCapacity(50_000)
        var sequence = 0
        while clock.now < end {
            let key = "\(run)-w\(index)-\(sequence)"
            sequence += 1
            let before = clock.now
            let claim = try await store.claimSend(account: "bench", key: key, owner: owner)
            latencies.append((clock.now - before) / .microseconds(1))
            guard claim.isOwned else { throw BenchError.failed("worker \(index) could not claim its own \(key): \(claim)") }
            guard case .applied = try await store.completeSend(account: "bench", key: key, owner: owner, dmEventId: "\(sequence)", conversationId: nil) else {
                throw BenchError.failed("worker \(index): completing \(key) was rejected")
            }
            transitions += 2
        }
        let report = WorkerReport(transitions: transitions, seconds: (clock.now - start) / .seconds(1), claimMicroseconds: latencies)
        try JSONEncoder().encode(report).write(to: URL(fileURLWithPath: result))
        if let postgres = store as? PostgresStateStore { await postgres.close() }
    }

    // MARK: Cache, one process

    private static func measureCache(_ store: any ConversationCache, backend: String, run: String) async throws {
        let account = "bench-\(run)"
        let count = 20_000
        let clock = ContinuousClock()
        let now = Date()
        let addStart = clock.now
        for index in 0..<count {
            try await store.addToCache(account: account, user: CachedUser(id: "\(index)", name: "User \(index)", username: "user\(index)"), at: now)
        }
        let addSeconds = (clock.now - addStart) / .seconds(1)
        let getStart = clock.now
        for index in 0..<count {
            guard try await store.getFromCache(account: account, userId: "\(index)") != nil else {
                throw BenchError.failed("cached user \(index) missing")
            }
        }
        let getSeconds = (clock.now - getStart) / .seconds(1)
        BenchReport.emit(bench: name, metric: "\(backend)_cache_adds_per_second", value: Double(count) / addSeconds, unit: "adds/s")
        BenchReport.emit(bench: name, metric: "\(backend)_cache_gets_per_second", value: Double(count) / getSeconds, unit: "gets/s")
    }

    private static func waitFor(_ what: String, timeout: Double = 30, _ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(timeout)
        while !condition() {
            if ContinuousClock.now >= deadline { throw BenchError.failed("timed out waiting for \(what)") }
            try await Task.sleep(for: .milliseconds(2))
        }
    }
}
