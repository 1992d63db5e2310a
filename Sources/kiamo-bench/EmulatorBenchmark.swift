import ChildProcesses
import CurlHTTP
import Foundation
import Logging

/// `scripts/bench emulator`: how fast the X emulator serves DM pages, so that no later benchmark
/// measures the emulator instead of the workers.
///
/// Spawns the release `x-emulator` with rate limits off, seeds 20,000 DMs from 100 customers
/// through the control API, takes an OAuth 2.0 bearer token through the refresh grant, then 8
/// clients (one CurlHTTP `HTTPClient` each, so 8 transfer threads) page through
/// `GET /2/dm_events?max_results=100` with the ingest worker's fields and expansions for a fixed
/// time. Reports pages of 100 events per second (goal 2,000), request latency, and the
/// emulator's peak resident memory (VmHWM).
enum EmulatorBenchmark: Benchmark {
    static let name = "emulator"
    static let summary = "X emulator: pages of 100 DM events served per second with 8 concurrent clients; emulator peak RSS"

    static let clients = 8
    static let events = 20_000
    static let senders = 100
    static let warmUp: Duration = .seconds(2)
    static let measured: Duration = .seconds(10)
    static let query =
        "max_results=100&event_types=MessageCreate"
        + "&dm_event.fields=id,text,event_type,created_at,sender_id,dm_conversation_id,attachments,participant_ids"
        + "&expansions=sender_id,attachments.media_keys&user.fields=id,name,username&media.fields=media_key,type,url,preview_image_url,variants"

    static func run(_ context: BenchContext) async throws {
        let log = context.scratch.appendingPathComponent("x-emulator.log")
        let output = try SpawnedChild.file(log.path)
        let process = try await SpawnedChild.start(
            context.products.appendingPathComponent("x-emulator").path, arguments: ["--port", "0", "--rate-limits", "off"],
            environment: .inherit, input: try SpawnedChild.null(), output: output, error: try output.duplicate())
        defer { process.send(SIGTERM) }
        let baseURL = try await waitForURL(in: log, process: process)

        var httpConfiguration = HTTPClient.Configuration()
        httpConfiguration.timeout = .seconds(10)
        httpConfiguration.maxConnectionsPerHost = 2
        var quiet = Logger(label: "kiamo-bench.emulator")
        quiet.logLevel = .warning
        let logger = quiet
        let control = try HTTPClient(configuration: httpConfiguration, logger: logger)
        defer { control.shutdown() }
        let bulk = try await control.execute(
            HTTPRequest(
                method: .post, url: baseURL + "/_emulator/dms/bulk", headers: ["Content-Type": "application/json"],
                body: Data(#"{"count":\#(events),"senders":\#(senders)}"#.utf8)))
        guard bulk.status == 201 else { throw BenchError.failed("bulk seeding answered \(bulk.status): \(bulk.bodyText)") }
        let tokenAnswer = try await control.execute(
            HTTPRequest(
                method: .post, url: baseURL + "/2/oauth2/token", headers: ["Content-Type": "application/x-www-form-urlencoded"],
                body: Data("grant_type=refresh_token&refresh_token=emulator-refresh-token&client_id=emulator-client-id".utf8)))
        guard tokenAnswer.status == 200,
            let tokens = try JSONSerialization.jsonObject(with: tokenAnswer.body) as? [String: Any],
            let token = tokens["access_token"] as? String
        else { throw BenchError.failed("the refresh grant answered \(tokenAnswer.status)") }

        let clock = ContinuousClock()
        let start = clock.now + warmUp
        let end = start + measured
        let results = try await withThrowingTaskGroup(of: ClientResult.self) { group in
            for _ in 0..<clients {
                group.addTask { try await page(baseURL: baseURL, token: token, logger: logger, start: start, end: end) }
            }
            var all: [ClientResult] = []
            for try await result in group { all.append(result) }
            return all
        }
        let pages = results.reduce(0) { $0 + $1.pages }
        let seconds = Double(measured.components.seconds)
        let histogram = LatencyHistogram(milliseconds: results.flatMap(\.latencies))
        func percentile(_ p: Double) -> Double { histogram.milliseconds(atPercentile: p * 100) }

        BenchReport.emit(bench: name, metric: "pages_of_100_per_second_8_clients", value: Double(pages) / seconds, unit: "pages/s", goal: 2000)
        BenchReport.emit(bench: name, metric: "events_per_second_8_clients", value: Double(pages * 100) / seconds, unit: "events/s")
        BenchReport.emit(bench: name, metric: "page_latency_p50", value: percentile(0.5), unit: "ms")
        BenchReport.emit(bench: name, metric: "page_latency_p99", value: percentile(0.99), unit: "ms")
        if let rss = peakResidentMiB(pid: process.pid) {
            BenchReport.emit(bench: name, metric: "emulator_peak_rss", value: rss, unit: "MiB")
        }

        process.send(SIGTERM)
        try await waitFor("x-emulator to exit") { !process.isRunning }
        guard process.ending == .exited(0) else { throw BenchError.failed("x-emulator ended \(String(describing: process.ending)) on SIGTERM") }
    }

    private struct ClientResult: Sendable {
        var pages: Int
        var latencies: [Double]
    }

    /// One client: pages through the whole list again and again, counting full pages served
    /// between `start` and `end`.
    private static func page(baseURL: String, token: String, logger: Logger, start: ContinuousClock.Instant, end: ContinuousClock.Instant) async throws -> ClientResult {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .seconds(10)
        configuration.maxConnectionsPerHost = 1
        let http = try HTTPClient(configuration: configuration, logger: logger)
        defer { http.shutdown() }
        let clock = ContinuousClock()
        var pages = 0
        var latencies: [Double] = []
        var next: String?
        while clock.now < end {
            let url = baseURL + "/2/dm_events?" + query + (next.map { "&pagination_token=\($0)" } ?? "")
            let before = clock.now
            let response = try await http.execute(HTTPRequest(url: url, headers: ["Authorization": "Bearer \(token)"]))
            let after = clock.now
            guard response.status == 200 else { throw BenchError.failed("a page answered \(response.status): \(response.bodyText.prefix(300))") }
            next = nextToken(response.body)
            if before >= start && after <= end {
                pages += 1
                latencies.append((after - before) / .milliseconds(1))
            }
        }
        return ClientResult(pages: pages, latencies: latencies)
    }

    /// `meta.next_token`, found without parsing the whole page (the client must not be what
    /// limits the figure on two shared cores).
    static func nextToken(_ body: Data) -> String? {
        let marker = Data(#""next_token":""#.utf8)
        guard let range = body.range(of: marker, options: .backwards) else { return nil }
        let rest = body[range.upperBound...]
        guard let close = rest.firstIndex(of: UInt8(ascii: "\"")) else { return nil }
        return String(decoding: rest[rest.startIndex..<close], as: UTF8.self)
    }

    private static func waitForURL(in log: URL, process: SpawnedChild) async throws -> String {
        var url: String?
        try await waitFor("x-emulator to print its URL") {
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            if let range = text.range(of: #"http://[0-9.]+:[0-9]+"#, options: .regularExpression) { url = String(text[range]) }
            return url != nil || !process.isRunning
        }
        guard let url else {
            throw BenchError.failed("x-emulator exited before listening: \((try? String(contentsOf: log, encoding: .utf8)) ?? "")")
        }
        return url
    }

    /// VmHWM of a process, in MiB (Linux `/proc/PID/status`).
    static func peakResidentMiB(pid: Int32) -> Double? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let kilobytes = line.split(separator: " ").compactMap { Double($0) }.first
            return kilobytes.map { $0 / 1024 }
        }
        return nil
    }

    private static func waitFor(_ what: String, timeout: Double = 30, _ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(timeout)
        while !condition() {
            if ContinuousClock.now >= deadline { throw BenchError.failed("timed out waiting for \(what)") }
            try await Task.sleep(for: .milliseconds(5))
        }
    }
}
