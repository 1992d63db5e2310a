import AMQP
import CurlHTTP
import Foundation
import KiamoTwitter
import Logging
import ServiceLifecycle
import SharedState
import Synchronization
import TestSupport
import XAPI
import XEmulator
import XEmulatorControl

/// `ingest.mode: stream` in this process, on real parts: the emulator's activity stream, a real
/// broker, a real SQLite file. One clock (`clock`) drives the emulator, the X client and the
/// engine, so a test makes a 10-minute outage pass at once.
final class StreamRig: Sendable {
    let emulator: TestEmulator
    let clock: ManualClock
    let control: EmulatorControlClient
    let collector: InboundCollector
    let engine: IngestEngine
    let consumer: ActivityStreamConsumer
    let connection: AMQPConnection
    let http: HTTPClient
    private let running: Mutex<Task<Void, any Error>?> = Mutex(nil)
    let account = TestEmulator.Credentials.accountID

    private init(
        emulator: TestEmulator, clock: ManualClock, control: EmulatorControlClient, collector: InboundCollector, engine: IngestEngine,
        consumer: ActivityStreamConsumer, connection: AMQPConnection, http: HTTPClient
    ) {
        self.emulator = emulator
        self.clock = clock
        self.control = control
        self.collector = collector
        self.engine = engine
        self.consumer = consumer
        self.connection = connection
        self.http = http
    }

    static func start(reconcileInterval: Duration = .seconds(60), keepAlive: Duration = .milliseconds(300)) async throws -> StreamRig {
        let clock = ManualClock()
        var configuration = TestEmulator.configuration(clock: clock, rateLimits: .off)
        configuration.streamKeepAlive = keepAlive
        let emulator = try await TestEmulator.start(configuration: configuration)
        let url = try TestBroker.url()
        let exchange = TestBroker.uniqueName("stream")
        let collector = try await InboundCollector.start(url: url, exchange: exchange)
        let http = try HTTPClient()
        var logger = Logger(label: "test.stream")
        logger.logLevel = .info
        let now: @Sendable () -> Date = { clock.now() }
        let client = try XAPIClient(
            configuration: XAPIConfiguration(
                baseURL: emulator.baseURL,
                credentials: .oauth1(
                    OAuth1Credentials(
                        consumerKey: TestEmulator.Credentials.consumerKey, consumerSecret: TestEmulator.Credentials.consumerSecret,
                        oauthToken: TestEmulator.Credentials.accessToken, oauthTokenSecret: TestEmulator.Credentials.accessTokenSecret))),
            transport: http, logger: logger, clock: now)
        let push = try XPushClient(
            baseURL: emulator.baseURL, consumerKey: TestEmulator.Credentials.consumerKey, consumerSecret: TestEmulator.Credentials.consumerSecret,
            transport: http, logger: logger, clock: now)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("stream-\(UUID().uuidString).db").path
        let state = try await SQLiteStateStore.open(SQLiteLocation(path: path), logger: logger)
        let connection = try AMQPConnection(url: url, logger: logger)
        try await connection.connect()
        let channel = try await connection.openChannel()
        let engine = IngestEngine(
            account: TestEmulator.Credentials.accountID, client: client, state: state, publisher: channel, topology: Topology(exchange: exchange),
            settings: .init(
                pollInterval: reconcileInterval, paginationCount: 100, overlap: .seconds(120), backfill: .zero, leaseTTL: .seconds(15), mode: .stream),
            logger: logger, now: now)
        let consumer = ActivityStreamConsumer(
            push: push, engines: [engine], clients: [TestEmulator.Credentials.accountID: client], state: state, owner: "stream-test",
            settings: .init(stallTimeout: .seconds(3)), logger: logger, now: now)
        let rig = StreamRig(
            emulator: emulator, clock: clock, control: EmulatorControlClient(baseURL: emulator.baseURL, http: http), collector: collector,
            engine: engine, consumer: consumer, connection: connection, http: http)
        rig.running.withLock {
            $0 = Task {
                try await withThrowingDiscardingTaskGroup { group in
                    group.addTask { try await engine.run() }
                    group.addTask { try await consumer.run() }
                }
            }
        }
        return rig
    }

    /// Waits until the stream is open (the subscription made, the connection up).
    func waitForStream(timeout: Duration = .seconds(20)) async throws {
        try await eventually("the activity stream connected", timeout: timeout) { try await self.control.streamConnections().open == 1 }
    }

    func stop() async {
        let task = running.withLock { $0 }
        task?.cancel()
        _ = await task?.result
        await collector.stop()
        await connection.close()
        await emulator.stop()
        http.shutdown()
    }
}
