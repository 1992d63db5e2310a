import AMQP
import Foundation
import Logging

/// `scripts/bench amqp`: 100,000 persistent 1 KiB messages published with confirms on one
/// channel (4 tasks sending batches of 500: at most 2,000 unconfirmed), then consumed with manual acks (prefetch 500, one
/// `ack(multiple: true)` per 100 deliveries), and the client's peak RSS. Beside each rate it
/// reports the CPU the client and the broker spent, and a transient-message run for comparison,
/// so a shortfall can be pinned on the client, the broker's CPU or its disk path.
struct AMQPBenchmark: Benchmark {
    static let name = "amqp"
    static let summary = "AMQP publish-with-confirms and consume-and-ack throughput (100,000 persistent 1 KiB messages), client peak RSS"

    static let messages = 100_000
    static let publishers = Int(ProcessInfo.processInfo.environment["KIAMO_BENCH_AMQP_PUBLISHERS"] ?? "") ?? 4
    static let batchSize = 500
    static let prefetch: UInt16 = 500
    static let ackEvery = 100
    static let transientMessages = 50_000

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
        let body = Data(repeating: 0x61, count: 1024)
        let properties = AMQPProperties(contentType: "application/octet-stream", deliveryMode: .persistent)

        // Publish: `publishers` tasks each send batches of `batchSize` and wait for their
        // confirms, so `window` = publishers × batchSize messages are in flight at most.
        let message = AMQPMessage(routingKey: queue, body: body, properties: properties)
        let batch = Array(repeating: message, count: batchSize)
        var sample = CPUSample(broker: broker)
        let publishStart = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<publishers {
                group.addTask {
                    for _ in 0..<(messages / (publishers * batchSize)) {
                        for result in await publisher.publish(batch) { try result.get() }
                    }
                }
            }
            try await group.waitForAll()
        }
        let publishSeconds = (ContinuousClock.now - publishStart).benchSeconds
        let publishCPU = sample.finish()
        BenchReport.emit(bench: name, metric: "publish_confirmed_rate", value: Double(messages) / publishSeconds, unit: "msg/s", goal: 20_000)
        BenchReport.emit(bench: name, metric: "publish_client_cpu", value: publishCPU.client / publishSeconds * 100, unit: "% of a core")
        BenchReport.emit(bench: name, metric: "publish_per_client_cpu_second", value: Double(messages) / publishCPU.client, unit: "msg")
        if let brokerCPU = publishCPU.broker {
            BenchReport.emit(bench: name, metric: "publish_broker_cpu", value: brokerCPU / publishSeconds * 100, unit: "% of a core")
            BenchReport.emit(bench: name, metric: "publish_per_broker_cpu_second", value: Double(messages) / brokerCPU, unit: "msg")
        }
        peakAnonymous = max(peakAnonymous, progress("published \(messages) in \(publishSeconds) s"))
        let depth = try await publisher.queueDeclare(queue, passive: true).messageCount
        guard depth == messages else { throw BenchError.failed("the queue holds \(depth) messages after \(messages) confirmed publishes") }

        // Consume with manual acks, one multiple-ack per `ackEvery` deliveries.
        let consumerChannel = try await connection.openChannel()
        try await consumerChannel.qos(prefetchCount: prefetch)
        sample = CPUSample(broker: broker)
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
        peakAnonymous = max(peakAnonymous, progress("consumed \(received) in \(consumeSeconds) s"))
        let consumeCPU = sample.finish()
        BenchReport.emit(bench: name, metric: "consume_ack_rate", value: Double(received) / consumeSeconds, unit: "msg/s", goal: 20_000)
        BenchReport.emit(bench: name, metric: "consume_client_cpu", value: consumeCPU.client / consumeSeconds * 100, unit: "% of a core")
        if let brokerCPU = consumeCPU.broker {
            BenchReport.emit(bench: name, metric: "consume_broker_cpu", value: brokerCPU / consumeSeconds * 100, unit: "% of a core")
        }
        try await consumer.cancel()
        try await publisher.queueDelete(queue)

        // For comparison: the same publishing, transient messages to a non-durable queue, which
        // takes the broker's disk path out. If this rate is far higher, persistence is the limit.
        let transientQueue = queue + ".transient"
        try await publisher.queueDeclare(transientQueue, durable: false)
        let transient = AMQPMessage(routingKey: transientQueue, body: body, properties: AMQPProperties(deliveryMode: .transient))
        let transientBatch = Array(repeating: transient, count: batchSize)
        sample = CPUSample(broker: broker)
        let transientStart = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<publishers {
                group.addTask {
                    for _ in 0..<(transientMessages / (publishers * batchSize)) {
                        for result in await publisher.publish(transientBatch) { try result.get() }
                    }
                }
            }
            try await group.waitForAll()
        }
        let transientSeconds = (ContinuousClock.now - transientStart).benchSeconds
        let transientCPU = sample.finish()
        BenchReport.emit(bench: name, metric: "publish_confirmed_transient_rate", value: Double(transientMessages) / transientSeconds, unit: "msg/s")
        if let brokerCPU = transientCPU.broker {
            BenchReport.emit(bench: name, metric: "publish_transient_broker_cpu", value: brokerCPU / transientSeconds * 100, unit: "% of a core")
        }
        try await publisher.queueDelete(transientQueue)
        await connection.close()
        peakAnonymous = max(peakAnonymous, progress("closed"))

        // The process maps the Swift runtime, Foundation and every module of this executable
        // before the first AMQP call: the start figure is that floor, the anonymous peak is what
        // the client allocated.
        BenchReport.emit(bench: name, metric: "client_peak_rss", value: peakRSSMiB(), unit: "MiB", goal: 30)
        BenchReport.emit(bench: name, metric: "client_rss_at_start", value: rssAtStart, unit: "MiB")
        BenchReport.emit(bench: name, metric: "client_peak_anonymous_rss", value: peakAnonymous, unit: "MiB")
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
              let kib = Double(line.split(separator: " ").dropFirst().first ?? "") else { return -1 }
        return (kib / 1024 * 10).rounded() / 10
    }

    /// VmHWM of this process, in MiB.
    static func peakRSSMiB() -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kib = Double(line.split(separator: " ").dropFirst().first ?? "") else { return -1 }
        return kib / 1024
    }
}

/// CPU seconds spent by this process and by the broker's Erlang VM over one phase.
private struct CPUSample {
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
private struct BrokerCPU {
    let pid: String?

    init(directory: String) {
        pid = (try? String(contentsOfFile: directory + "/rabbitmq.pid", encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func seconds() -> Double? {
        guard let pid, let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        // Fields after "(comm)": state is field 3, utime 14, stime 15.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        return (user + system) / ticks
    }
}

extension Duration {
    fileprivate var benchSeconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
