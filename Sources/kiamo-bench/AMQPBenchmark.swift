import AMQP
import Foundation
import Logging

/// `scripts/bench amqp`: 100,000 persistent 1 KiB messages published with confirms on one
/// channel (4 tasks sending batches of 500: at most 2,000 unconfirmed) to a durable classic
/// queue, then consumed with manual acks (prefetch 500, one `ack(multiple: true)` per 100
/// deliveries), and the client's peak RSS.
///
/// Beside each rate it reports the CPU the client and the broker spent, and two comparison runs
/// of 50,000 messages with the same client and settings: transient messages to a non-durable
/// queue (no disk path), and persistent ones to a version-2 classic queue (RabbitMQ's newer
/// queue storage). When those are much faster while the client idles, the broker's persistent
/// path is the limit, not the client.
struct AMQPBenchmark: Benchmark {
    static let name = "amqp"
    static let summary = "AMQP publish-with-confirms and consume-and-ack throughput (100,000 persistent 1 KiB messages), client peak RSS"

    static let messages = 100_000
    static let comparisonMessages = 50_000
    /// Tasks publishing concurrently (`KIAMO_BENCH_AMQP_PUBLISHERS` overrides, for exploring).
    static let publishers = Int(ProcessInfo.processInfo.environment["KIAMO_BENCH_AMQP_PUBLISHERS"] ?? "") ?? 4
    static let batchSize = 500
    static let prefetch: UInt16 = 500
    static let ackEvery = 100
    static let body = Data(repeating: 0x61, count: 1024)

    static func run(_ context: BenchContext) async throws {
        var logger = Logger(label: "kiamo.bench.amqp")
        logger.logLevel = .warning
        var configuration = try AMQPConfiguration(url: context.amqpURL)
        configuration.connectionName = "kiamo-bench"
        let connection = try AMQPConnection(configuration: configuration, logger: logger)
        let rssAtStart = statusField("VmRSS")
        // Other work on this 2-core machine takes CPU from the broker: say how busy it was.
        if let load = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").first.flatMap({ Double($0) }) {
            BenchReport.emit(bench: name, metric: "machine_load_average_1min", value: load, unit: "runnable tasks")
        }
        progress("start")
        try await connection.connect()
        let broker = BrokerCPU(directory: context.brokerDirectory)
        var peakAnonymous = progress("connected")

        let publisher = try await connection.openChannel()
        let queue = "kiamo.bench.\(UUID().uuidString.prefix(8).lowercased())"
        try await publisher.queueDeclare(queue, durable: true)
        let persistent = AMQPProperties(contentType: "application/octet-stream", deliveryMode: .persistent)

        let published = try await publish(messages, to: queue, properties: persistent, on: publisher, broker: broker)
        BenchReport.emit(bench: name, metric: "publish_confirmed_rate", value: published.rate, unit: "msg/s", goal: 20_000)
        BenchReport.emit(bench: name, metric: "publish_client_cpu", value: published.clientCPU, unit: "% of a core")
        BenchReport.emit(bench: name, metric: "publish_per_client_cpu_second", value: published.perClientCPUSecond, unit: "msg")
        if let brokerCPU = published.brokerCPU, let perSecond = published.perBrokerCPUSecond {
            BenchReport.emit(bench: name, metric: "publish_broker_cpu", value: brokerCPU, unit: "% of a core")
            BenchReport.emit(bench: name, metric: "publish_per_broker_cpu_second", value: perSecond, unit: "msg")
        }
        peakAnonymous = max(peakAnonymous, progress("published \(messages) at \(Int(published.rate)) msg/s"))
        let depth = try await publisher.queueDeclare(queue, passive: true).messageCount
        guard depth == messages else { throw BenchError.failed("the queue holds \(depth) messages after \(messages) confirmed publishes") }

        // Consume with manual acks, one multiple-ack per `ackEvery` deliveries.
        let consumerChannel = try await connection.openChannel()
        try await consumerChannel.qos(prefetchCount: prefetch)
        let sample = CPUSample(broker: broker)
        let consumeStart = ContinuousClock.now
        let consumer = try await consumerChannel.consume(queue: queue)
        var received = 0
        for try await delivery in consumer {
            received += 1
            if received % ackEvery == 0 || received == messages {
                try await consumerChannel.ack(delivery, multiple: true)
            }
            if received == messages { break }
        }
        let consumeSeconds = (ContinuousClock.now - consumeStart).benchSeconds
        let consumeCPU = sample.finish()
        peakAnonymous = max(peakAnonymous, progress("consumed \(received) in \(consumeSeconds) s"))
        BenchReport.emit(bench: name, metric: "consume_ack_rate", value: Double(received) / consumeSeconds, unit: "msg/s", goal: 20_000)
        BenchReport.emit(bench: name, metric: "consume_client_cpu", value: consumeCPU.client / consumeSeconds * 100, unit: "% of a core")
        if let brokerCPU = consumeCPU.broker {
            BenchReport.emit(bench: name, metric: "consume_broker_cpu", value: brokerCPU / consumeSeconds * 100, unit: "% of a core")
        }
        try await consumer.cancel()
        try await publisher.queueDelete(queue)

        // Comparisons: same client, same batching, another broker path.
        let transientQueue = queue + ".transient"
        try await publisher.queueDeclare(transientQueue, durable: false)
        let transient = try await publish(comparisonMessages, to: transientQueue, properties: AMQPProperties(deliveryMode: .transient), on: publisher, broker: broker)
        try await publisher.queueDelete(transientQueue)
        BenchReport.emit(bench: name, metric: "compare_publish_transient_rate", value: transient.rate, unit: "msg/s")
        if let brokerCPU = transient.brokerCPU {
            BenchReport.emit(bench: name, metric: "compare_publish_transient_broker_cpu", value: brokerCPU, unit: "% of a core")
        }
        let versionTwoQueue = queue + ".v2"
        try await publisher.queueDeclare(versionTwoQueue, durable: true, arguments: ["x-queue-version": 2])
        let versionTwo = try await publish(comparisonMessages, to: versionTwoQueue, properties: persistent, on: publisher, broker: broker)
        try await publisher.queueDelete(versionTwoQueue)
        BenchReport.emit(bench: name, metric: "compare_publish_persistent_classic_v2_rate", value: versionTwo.rate, unit: "msg/s")
        if let brokerCPU = versionTwo.brokerCPU {
            BenchReport.emit(bench: name, metric: "compare_publish_persistent_classic_v2_broker_cpu", value: brokerCPU, unit: "% of a core")
        }
        await connection.close()
        peakAnonymous = max(peakAnonymous, progress("closed"))

        // The process maps the Swift runtime, Foundation and every module of this executable
        // before the first AMQP call: the start figure is that floor, the anonymous peak is what
        // the client allocated.
        BenchReport.emit(bench: name, metric: "client_peak_rss", value: peakRSSMiB(), unit: "MiB", goal: 30)
        BenchReport.emit(bench: name, metric: "client_rss_at_start", value: rssAtStart, unit: "MiB")
        BenchReport.emit(bench: name, metric: "client_peak_anonymous_rss", value: peakAnonymous, unit: "MiB")
    }

    /// Publishes `count` 1 KiB messages: `publishers` tasks each send batches of `batchSize` and
    /// wait for their confirms, so at most publishers × batchSize are unconfirmed.
    static func publish(_ count: Int, to queue: String, properties: AMQPProperties, on channel: AMQPChannel, broker: BrokerCPU) async throws -> PublishFigures {
        let batch = Array(repeating: AMQPMessage(routingKey: queue, body: body, properties: properties), count: batchSize)
        let sample = CPUSample(broker: broker)
        let start = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<publishers {
                group.addTask {
                    for _ in 0..<(count / (publishers * batchSize)) {
                        for result in await channel.publish(batch) { try result.get() }
                    }
                }
            }
            try await group.waitForAll()
        }
        let seconds = (ContinuousClock.now - start).benchSeconds
        let cpu = sample.finish()
        return PublishFigures(messages: count, seconds: seconds, clientCPUSeconds: cpu.client, brokerCPUSeconds: cpu.broker)
    }

    /// A progress line on standard error, with the resident set size so far.
    /// Returns the anonymous resident memory (the heap the client allocated) at this point.
    @discardableResult
    static func progress(_ what: String) -> Double {
        let anonymous = statusField("RssAnon")
        FileHandle.standardError.write(Data("bench amqp: \(what) (RSS \(statusField("VmRSS")) MiB, anonymous \(anonymous) MiB, peak \(statusField("VmHWM")) MiB)\n".utf8))
        return anonymous
    }

    static func statusField(_ name: String) -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix(name + ":") }),
            let kib = Double(line.split(separator: " ").dropFirst().first ?? "")
        else { return -1 }
        return (kib / 1024 * 10).rounded() / 10
    }

    /// VmHWM of this process, in MiB.
    static func peakRSSMiB() -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
            let kib = Double(line.split(separator: " ").dropFirst().first ?? "")
        else { return -1 }
        return kib / 1024
    }
}

// Helpers of this benchmark, nested so the file holds one type.
extension AMQPBenchmark {
    /// What one publishing run measured.
    struct PublishFigures {
        let messages: Int
        let seconds: Double
        let clientCPUSeconds: Double
        let brokerCPUSeconds: Double?

        var rate: Double { Double(messages) / seconds }
        /// Percent of one core.
        var clientCPU: Double { clientCPUSeconds / seconds * 100 }
        var brokerCPU: Double? { brokerCPUSeconds.map { $0 / seconds * 100 } }
        var perClientCPUSecond: Double { Double(messages) / clientCPUSeconds }
        var perBrokerCPUSecond: Double? { brokerCPUSeconds.map { Double(messages) / $0 } }
    }

    /// CPU seconds spent by this process and by the broker's Erlang VM over one phase.
    struct CPUSample {
        let broker: BrokerCPU
        let clientStart: Double
        let brokerStart: Double?

        init(broker: BrokerCPU) {
            self.broker = broker
            clientStart = Self.processCPU()
            brokerStart = broker.seconds()
        }

        func finish() -> (client: Double, broker: Double?) {
            let brokerNow = broker.seconds()
            let brokerSpent = brokerStart.flatMap { start in brokerNow.map { $0 - start } }
            return (Self.processCPU() - clientStart, brokerSpent)
        }

        static func processCPU() -> Double {
            var usage = rusage()
            getrusage(RUSAGE_SELF.rawValue, &usage)
            return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
                + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
        }
    }

    /// The private broker's CPU time, read from /proc for the pid in its pid file.
    struct BrokerCPU {
        let pid: String?

        init(directory: String) {
            pid = (try? String(contentsOfFile: directory + "/rabbitmq.pid", encoding: .utf8))?
                .trimmingCharacters(in: .whitespacesAndNewlines)
        }

        func seconds() -> Double? {
            guard let pid, let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { return nil }
            // Fields after "(comm)": state is field 3, utime 14, stime 15.
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
            let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
            return (user + system) / ticks
        }
    }
}

extension Duration {
    fileprivate var benchSeconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
