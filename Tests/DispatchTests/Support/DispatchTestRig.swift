import AMQP
import Foundation
import KiamoTwitter
import Logging
import Synchronization
import TestSupport
import XEmulator

/// One dispatch integration test's world: the private broker with a topology under a private
/// exchange name, an X emulator in this process knowing the test account and its customers, a
/// state file, and `kiamo-twitter-dispatch` workers as OS processes. The test publishes commands
/// as Kiamo would and reads the reports and dead letters the workers publish.
final class DispatchTestRig: Sendable {
    static let retryDelays: [Duration] = [.seconds(1), .seconds(2), .seconds(5)]

    let account = TestAccount()
    let topology: Topology
    let emulator: TestEmulator
    let stateFile: String
    let amqpURL: String
    let connection: AMQPConnection
    let channel: AMQPChannel
    private let collected = Mutex<(reports: [DeliveryReport], deadLetters: [AMQPDelivery])>(([], []))
    private let consumers = Mutex<[Task<Void, Never>]>([])

    private init(topology: Topology, emulator: TestEmulator, stateFile: String, amqpURL: String, connection: AMQPConnection, channel: AMQPChannel) {
        self.topology = topology
        self.emulator = emulator
        self.stateFile = stateFile
        self.amqpURL = amqpURL
        self.connection = connection
        self.channel = channel
    }

    /// X's limits never enforced, with DM windows so large that the shared budget never paces.
    /// (The emulator's `.off` alone still reports 200 sends per 15 minutes, and the workers'
    /// budget counts its own calls too, so it would start pacing after 160 sends.) A 429 fault
    /// carries a reset `sendWindow` seconds away.
    static func unlimited(sendWindow: Int = 900) -> RateLimitPolicy {
        var policy = RateLimitPolicy.off
        policy.windows[.dmSend] = [.init(limit: 10_000_000, seconds: sendWindow)]
        policy.windows[.dmRead] = [.init(limit: 10_000_000, seconds: 900)]
        return policy
    }

    /// Starts the emulator (see `unlimited`), declares the topology and starts collecting
    /// reports and dead letters, on the shared test broker unless `broker` is a test's own.
    static func start(rateLimits: RateLimitPolicy = unlimited(), broker: PrivateBroker? = nil) async throws -> DispatchTestRig {
        let amqpURL = try broker?.url ?? TestBroker.url()
        let account = TestAccount()
        let configuration = EmulatorConfiguration(
            account: EmulatorAccount(
                id: account.userId, username: account.username, name: "Kiamo Support",
                accessToken: account.accessToken, accessTokenSecret: account.accessTokenSecret,
                refreshToken: account.refreshToken),
            consumerKey: account.consumerKey, consumerSecret: account.consumerSecret,
            clientID: account.clientId, clientSecret: account.clientSecret, rateLimits: rateLimits)
        let emulator = try await TestEmulator.start(configuration: configuration)
        var logger = Logger(label: "dispatch.test")
        logger.logLevel = .warning
        let connection = try AMQPConnection(url: amqpURL, logger: logger)
        try await connection.connect()
        let channel = try await connection.openChannel()
        let rig = DispatchTestRig(
            topology: Topology(exchange: TestBroker.uniqueName("kiamo.dispatch"), retryDelays: retryDelays),
            emulator: emulator, stateFile: try WorkerProcess.temporaryStateFile(), amqpURL: amqpURL,
            connection: connection, channel: channel)
        try await rig.topology.declare(on: channel)
        try await rig.collect()
        return rig
    }

    /// Runs `body` with a started rig and always stops it afterwards.
    static func with(
        rateLimits: RateLimitPolicy = unlimited(), broker: PrivateBroker? = nil,
        _ body: (DispatchTestRig) async throws -> Void
    ) async throws {
        let rig = try await start(rateLimits: rateLimits, broker: broker)
        do {
            try await body(rig)
        } catch {
            await rig.stop()
            throw error
        }
        await rig.stop()
    }

    /// Deletes the test's queues and exchanges and stops the emulator.
    func stop() async {
        for task in consumers.withLock({ $0 }) { task.cancel() }
        for queue in topology.queues { _ = try? await channel.queueDelete(queue.name) }
        for exchange in topology.exchanges { try? await channel.exchangeDelete(exchange.name) }
        await connection.close()
        await emulator.stop()
    }

    // MARK: Workers

    /// The worker's environment: the README's variables only, with short retry tiers, a short
    /// stale-claim timeout and `extra` on top.
    func environment(_ extra: [String: String] = [:], oauth2: Bool = false) -> [String: String] {
        WorkerProcess.environment(
            amqpURL: amqpURL, stateFile: stateFile, apiBaseURL: emulator.baseURL, exchange: topology.exchange, account: account,
            oauth2: oauth2, confidentialClient: true,
            extra: [
                "KIAMO_TWITTER_DISPATCH_RETRY_DELAYS": Self.retryDelays.map { DurationText.format($0) }.joined(separator: ","),
                "KIAMO_TWITTER_DISPATCH_STALE_CLAIM": "5s",
                "KIAMO_TWITTER_API_TIMEOUT": "2s",
                "KIAMO_TWITTER_LOG_LEVEL": "info",
            ].merging(extra) { $1 })
    }

    /// Starts a `kiamo-twitter-dispatch` process (OAuth 1.0a unless `oauth2`) and returns once it consumes.
    func startWorker(_ name: String = "dispatch", _ extra: [String: String] = [:], oauth2: Bool = false) async throws -> RunningProcess {
        try await WorkerProcess.start("kiamo-twitter-dispatch", name: name, environment: environment(extra, oauth2: oauth2), readyLine: "dispatch started")
    }

    // MARK: Customers and commands

    /// Adds `count` customers who accept DMs; returns their ids.
    func addCustomers(_ count: Int, acceptingDMs: Bool = true) throws -> [String] {
        try (0..<count).map { index in
            let id = String(2_000_000_000 + UInt64.random(in: 0..<1_000_000_000))
            try emulator.store.addUser(
                EmulatorUser(
                    id: id, name: "Customer \(index)", username: "c\(id.suffix(9))",
                    acceptsDirectMessages: acceptingDMs))
            return id
        }
    }

    /// The JSON of a send command, as Kiamo's `send()` builds it.
    static func command(id: String, to recipient: String, text: String) -> Data {
        (try? JSONSerialization.data(withJSONObject: ["id": id, "to": ["id": recipient, "name": "Customer"], "content": text])) ?? Data()
    }

    /// Publishes commands in order, persistent and confirmed, with routing key `send.<account>`.
    func publish(_ commands: [(id: String, recipient: String, text: String)]) async throws {
        let messages = commands.map { command in
            AMQPMessage(
                exchange: topology.exchange, routingKey: WireContract.RoutingKey.send(account: account.userId),
                body: Self.command(id: command.id, to: command.recipient, text: command.text),
                properties: AMQPProperties(contentType: "application/json", deliveryMode: .persistent, messageId: command.id))
        }
        for start in stride(from: 0, to: messages.count, by: 500) {
            for result in await channel.publish(Array(messages[start..<min(start + 500, messages.count)])) { try result.get() }
        }
    }

    /// Publishes one raw message to the main exchange (or `exchange`), confirmed.
    func publishRaw(_ body: Data, routingKey: String? = nil, exchange: String? = nil, properties: AMQPProperties = AMQPProperties(deliveryMode: .persistent)) async throws {
        try await channel.publish(
            exchange: exchange ?? topology.exchange, routingKey: routingKey ?? WireContract.RoutingKey.send(account: account.userId),
            body: body, properties: properties)
    }

    // MARK: What came out

    /// DMs the account posted through the API, oldest first.
    var sent: [SentDirectMessage] { emulator.sent(account: account.userId) }

    var reports: [DeliveryReport] { collected.withLock { $0.reports } }
    var deadLetters: [AMQPDelivery] { collected.withLock { $0.deadLetters } }

    /// How many DMs each text was posted as.
    func postsByText() -> [String: Int] {
        sent.reduce(into: [:]) { $0[$1.text, default: 0] += 1 }
    }

    private func collect() async throws {
        let reportChannel = try await connection.openChannel()
        try await reportChannel.qos(prefetchCount: 500)
        let reports = try await reportChannel.consume(queue: topology.reportsQueue)
        let dead = try await reportChannel.consume(queue: topology.sendDeadQueue)
        let reportTask = Task { [self] in
            do {
                for try await delivery in reports {
                    if let report = try? KiamoJSON.decode(DeliveryReport.self, from: delivery.body) {
                        self.collected.withLock { $0.reports.append(report) }
                    }
                    try? await reportChannel.ack(delivery)
                }
            } catch {}
        }
        let deadTask = Task { [self] in
            do {
                for try await delivery in dead {
                    self.collected.withLock { $0.deadLetters.append(delivery) }
                    try? await reportChannel.ack(delivery)
                }
            } catch {}
        }
        consumers.withLock { $0 = [reportTask, deadTask] }
    }
}
