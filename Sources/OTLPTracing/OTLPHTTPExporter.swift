import CurlHTTP
import Foundation
import Logging
import Metrics
import ServiceLifecycle
import Synchronization
import URLRedaction

/// Sends ended spans to an OpenTelemetry collector: OTLP/HTTP, JSON bodies, to
/// `<endpoint>/v1/traces`, in batches of at most `batchSize` every `interval` (sooner when a batch
/// is full), and once more at graceful shutdown (the spans of the last turns).
///
/// Tracing never holds a worker back: `add` only appends to a bounded buffer (a span beyond
/// `maxQueued` is dropped and counted); a batch the collector refuses, or that cannot be sent, is
/// tried once more after a second when the answer says it may pass later (429, 502, 503, 504, or no
/// answer), then dropped and counted in `kiamo_tracing_spans_dropped_total`. The first failure of
/// a run of them is logged, and the recovery, not every batch.
public final class OTLPHTTPExporter: SpanSink, Service {
    public struct Settings: Sendable {
        /// The collector's base URL (`http://otel-collector:4318`), or the full traces URL.
        public var endpoint: String
        /// `service.name` and the other resource attributes of every span.
        public var resource: [(String, String)]
        public var scope: (name: String, version: String)
        public var maxQueued = 4096
        public var batchSize = 512
        public var interval: Duration = .seconds(1)
        public var timeout: Duration = .seconds(10)

        public init(endpoint: String, resource: [(String, String)], scope: (name: String, version: String)) {
            self.endpoint = endpoint
            self.resource = resource
            self.scope = scope
        }
    }

    /// `<endpoint>/v1/traces`, unless the endpoint already names that path.
    public static func tracesURL(_ endpoint: String) -> String {
        var base = endpoint
        while base.hasSuffix("/") { base.removeLast() }
        return base.hasSuffix("/v1/traces") ? base : base + "/v1/traces"
    }

    public let settings: Settings
    let url: String
    private let http: HTTPClient
    private let logger: Logger
    private let queued = Mutex<[FinishedSpan]>([])
    private let failing = Mutex(false)

    public init(settings: Settings, logger: Logger) throws {
        self.settings = settings
        url = Self.tracesURL(settings.endpoint)
        var configuration = HTTPClient.Configuration()
        configuration.timeout = settings.timeout
        configuration.connectTimeout = min(settings.timeout, .seconds(5))
        configuration.maxConnectionsPerHost = 2
        http = try HTTPClient(configuration: configuration, logger: logger)
        self.logger = logger
    }

    public func add(_ span: FinishedSpan) {
        let kept = queued.withLock { queue in
            guard queue.count < settings.maxQueued else { return false }
            queue.append(span)
            return true
        }
        if !kept { Counter(label: "kiamo_tracing_spans_dropped_total", dimensions: [("reason", "queue_full")]).increment() }
    }

    public func run() async throws {
        logger.info("tracing: spans go to \(URLRedactor.redact(url)) (OTLP/HTTP, JSON)")
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            // Every `interval`, or as soon as a batch is full (a backlog drained at thousands of
            // DMs a second fills the buffer well within a second).
            var waited = Duration.zero
            while waited < settings.interval, queued.withLock({ $0.count }) < settings.batchSize, !Task.isShuttingDownGracefully, !Task.isCancelled {
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .milliseconds(50)) }
                waited += .milliseconds(50)
            }
            await exportQueued()
        }
        // The turns that ended while the workers stopped.
        await exportQueued()
        http.shutdown()
    }

    /// The spans ended and not yet posted (at most `maxQueued`).
    public var queuedCount: Int { queued.withLock { $0.count } }

    /// What one `exportQueued()` did with the spans it took.
    public struct ExportOutcome: Equatable, Sendable {
        public var exported: Int
        public var dropped: Int

        public init(exported: Int = 0, dropped: Int = 0) {
            self.exported = exported
            self.dropped = dropped
        }
    }

    /// Posts what is queued, a batch at a time; a batch the collector refuses twice is dropped,
    /// so this always ends.
    @discardableResult
    public func exportQueued() async -> ExportOutcome {
        var outcome = ExportOutcome()
        while true {
            let batch = queued.withLock { queue -> [FinishedSpan] in
                let count = min(queue.count, settings.batchSize)
                defer { queue.removeFirst(count) }
                return Array(queue.prefix(count))
            }
            guard !batch.isEmpty else { return outcome }
            if await post(batch) { outcome.exported += batch.count } else { outcome.dropped += batch.count }
        }
    }

    /// Whether the collector took the batch.
    private func post(_ batch: [FinishedSpan]) async -> Bool {
        let body: Data
        do {
            body = try OTLPJSON.exportRequest(batch, resource: settings.resource, scope: settings.scope)
        } catch {
            dropped(batch.count, because: "cannot be encoded: \(error)")
            return false
        }
        let request = HTTPRequest(method: .post, url: url, headers: ["Content-Type": "application/json"], body: body)
        var problem = ""
        for attempt in 1...2 {
            do {
                let response = try await http.execute(request)
                if (200..<300).contains(response.status) {
                    Counter(label: "kiamo_tracing_spans_exported_total").increment(by: batch.count)
                    if failing.withLock({ failing in
                        defer { failing = false }; return failing
                    }) {
                        logger.info("tracing: the collector at \(URLRedactor.redact(url)) takes spans again")
                    }
                    return true
                }
                problem = "the collector answered \(response.status)"
                guard [429, 502, 503, 504].contains(response.status) else { break }
            } catch is CancellationError {
                problem = "cancelled"
                break
            } catch {
                problem = "\(error)"
            }
            if attempt == 1 { try? await Task.sleep(for: .seconds(1)) }
        }
        dropped(batch.count, because: problem)
        return false
    }

    private func dropped(_ count: Int, because problem: String) {
        Counter(label: "kiamo_tracing_spans_dropped_total", dimensions: [("reason", "export_failed")]).increment(by: count)
        let first = failing.withLock { failing in
            defer { failing = true }; return !failing
        }
        if first {
            logger.warning("tracing: \(count) span(s) not exported to \(URLRedactor.redact(url)): \(problem); the workers go on, spans are dropped until the collector answers")
        }
    }
}
