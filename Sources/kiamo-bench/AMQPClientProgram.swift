import AMQP
import Foundation
import Logging

/// `kiamo-bench amqp-client URL publish|consume QUEUE N`: the Swift client's side of the AMQP
/// benchmark alone, the work of `scripts/instructions/amqp-client.c` line for line (publish N
/// persistent 1 KiB messages with confirms, at most 2,000 unconfirmed; consume N, prefetch 500, one
/// `ack(multiple: true)` per 100), in a process of its own, so that `scripts/bench --instructions`
/// can count its instructions under callgrind and set them beside the C client's.
enum AMQPClientProgram {
    static func run(_ arguments: [String]) async throws {
        guard arguments.count == 4, let count = Int(arguments[3]), ["publish", "consume"].contains(arguments[1]) else {
            throw BenchError.failed("usage: kiamo-bench amqp-client URL publish|consume QUEUE N")
        }
        let (url, mode, queue) = (arguments[0], arguments[1], arguments[2])
        var logger = Logger(label: "kiamo.bench.amqp-client")
        logger.logLevel = .warning
        let connection = try AMQPConnection(configuration: try AMQPConfiguration(url: url), logger: logger)
        try await connection.connect()
        let channel = try await connection.openChannel()
        if mode == "publish" {
            try await channel.queueDeclare(queue, durable: true)
            let properties = AMQPProperties(contentType: "application/octet-stream", deliveryMode: .persistent)
            let batch = Array(repeating: AMQPMessage(routingKey: queue, body: AMQPBenchmark.body, properties: properties), count: AMQPBenchmark.batchSize)
            let publishers = AMQPBenchmark.publishers
            guard count % (publishers * batch.count) == 0 else {
                throw BenchError.failed("N must be a multiple of \(publishers * batch.count) (\(publishers) publishers, batches of \(batch.count))")
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<publishers {
                    group.addTask {
                        for _ in 0..<(count / (publishers * batch.count)) {
                            for result in await channel.publish(batch) { try result.get() }
                        }
                    }
                }
                try await group.waitForAll()
            }
        } else {
            try await channel.qos(prefetchCount: AMQPBenchmark.prefetch)
            var received = 0
            for try await delivery in try await channel.consume(queue: queue) {
                received += 1
                if received % AMQPBenchmark.ackEvery == 0 || received == count {
                    try await channel.ack(delivery, multiple: true)
                }
                if received == count { break }
            }
        }
        await connection.close()
    }
}
