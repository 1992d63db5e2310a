import Foundation
import KiamoTwitter
import TestSupport
import XEmulator

/// One ingest test's world: the X emulator in this process, a state file, a private exchange on a
/// broker, a collector on its inbound queue, and the worker as its own OS process.
final class IngestHarness: Sendable {
    let emulator: TestEmulator
    let collector: InboundCollector
    let stateFile: String
    let exchange: String
    let amqpURL: String
    let account = TestAccount()

    private init(emulator: TestEmulator, collector: InboundCollector, stateFile: String, exchange: String, amqpURL: String) {
        self.emulator = emulator
        self.collector = collector
        self.stateFile = stateFile
        self.exchange = exchange
        self.amqpURL = amqpURL
    }

    static func start(
        amqpURL: String? = nil, rateLimits: RateLimitPolicy = .off, emulatorConfiguration: EmulatorConfiguration? = nil
    ) async throws -> IngestHarness {
        let url = try amqpURL ?? TestBroker.url()
        let exchange = TestBroker.uniqueName("ingest")
        let emulator = try await TestEmulator.start(configuration: emulatorConfiguration ?? TestEmulator.configuration(rateLimits: rateLimits))
        let collector = try await InboundCollector.start(url: url, exchange: exchange)
        return IngestHarness(
            emulator: emulator, collector: collector, stateFile: try WorkerProcess.temporaryStateFile(),
            exchange: exchange, amqpURL: url)
    }

    /// The worker's environment: a fast poll, an hour of backfill (so DMs posted while it starts
    /// are published, not skipped as history), and `extra` over it.
    func environment(_ extra: [String: String] = [:]) -> [String: String] {
        WorkerProcess.environment(
            amqpURL: amqpURL, stateFile: stateFile, apiBaseURL: emulator.baseURL, exchange: exchange, account: account,
            extra: ["KIAMO_TWITTER_POLL_INTERVAL": "200ms", "KIAMO_TWITTER_BACKFILL": "1h", "KIAMO_TWITTER_INGEST_LEASE_TTL": "3s"]
                .merging(extra) { _, new in new })
    }

    /// Starts `kiamo-twitter-ingest` and waits until it polls (or stands by, when `standby`).
    func startWorker(name: String = "ingest", _ extra: [String: String] = [:], standby: Bool = false) async throws -> RunningProcess {
        try await WorkerProcess.start(
            "kiamo-twitter-ingest", name: name, environment: environment(extra),
            readyLine: standby ? "ingest started" : "polling as the active ingest process")
    }

    /// `count` customers with names that test the mapping (quotes, emoji, right-to-left).
    func customers(_ count: Int) throws -> [EmulatorUser] {
        try (0..<count).map { index in
            try emulator.addUser(
                name: index % 3 == 0 ? "Zoé \"Z\" \(index) 🌸" : (index % 3 == 1 ? "سارة \(index)" : "Customer \(index)"),
                username: "customer\(index)_\(UUID().uuidString.prefix(4).lowercased())")
        }
    }

    func stop() async {
        await collector.stop()
        await emulator.stop()
    }
}
