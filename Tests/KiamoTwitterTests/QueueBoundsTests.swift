import AMQP
import Foundation
import Logging
import TestSupport
import Testing

@testable import KiamoTwitter

/// The reports and dead-letter queues are bounded by policies on a real broker: publishing past
/// a bound drops the oldest messages, and changing a bound later does not fail a worker's start.
@Suite struct QueueBoundsTests {
    /// Sets the topology's policies on the test broker, as an operator would (`kiamo-twitter setup`).
    private func applyPolicies(_ topology: Topology) async throws {
        for command in topology.policyCommands() {
            let words = try Self.shellWords(command)
            try await TestBroker.ctl(Array(words.dropFirst()))
        }
    }

    private func clearPolicies(_ topology: Topology) async {
        for policy in topology.policies {
            _ = try? await TestBroker.ctl("clear_policy", "-p", "/", policy.name)
        }
    }

    @Test func publishingPastTheBoundDropsTheOldestAndAChangedBoundDoesNotFailAWorkersStart() async throws {
        let url = try TestBroker.url()
        let exchange = TestBroker.uniqueName("kiamo.bounds")
        let topology = Topology(exchange: exchange, bounds: Topology.QueueBounds(reportsMaxLength: 5, deadLettersMaxLength: 3))
        var logger = Logger(label: "bounds.test")
        logger.logLevel = .warning
        let connection = try AMQPConnection(url: url, logger: logger)
        try await connection.connect()
        defer { Task { await connection.close() } }
        let channel = try await connection.openChannel()
        try await applyPolicies(topology)
        do {
            try await topology.declare(on: channel, as: .dispatch)
            try await topology.declare(on: channel, as: .ingest)

            func depth(_ queue: String) async throws -> UInt32 {
                try await channel.queueDeclare(queue, passive: true).messageCount
            }
            func publish(_ count: Int, exchange: String, key: String) async throws {
                for index in 0..<count {
                    try await channel.publish(exchange: exchange, routingKey: key, body: Data("\(index)".utf8))
                }
            }
            // Policies reach a new queue within moments: wait until the bound holds.
            try await publish(8, exchange: exchange, key: "report.1234.sent")
            try await eventually("reports bounded at 5", timeout: .seconds(30)) { try await depth(topology.reportsQueue) == 5 }
            let oldest = try #require(try await channel.get(queue: topology.reportsQueue))
            #expect(String(decoding: oldest.body, as: UTF8.self) == "3", "drop-head keeps the newest five of 0...7")

            try await publish(6, exchange: topology.deadLetterExchange, key: "send.1234")
            try await publish(6, exchange: topology.deadLetterExchange, key: "inbound.1234")
            try await eventually("dead letters bounded at 3", timeout: .seconds(30)) {
                let send = try await depth(topology.sendDeadQueue)
                let inbound = try await depth(topology.inboundDeadQueue)
                return send == 3 && inbound == 3
            }

            // A later change of a bound is one policy change; the workers' declarations stay as
            // they were and do not fail (a queue argument would have: PRECONDITION_FAILED).
            let wider = Topology(exchange: exchange, bounds: Topology.QueueBounds(reportsMaxLength: 10, deadLettersMaxLength: 3))
            try await applyPolicies(wider)
            let restarted = try await connection.openChannel()
            try await wider.declare(on: restarted, as: .dispatch)
            try await wider.declare(on: restarted, as: .ingest)
            try await publish(12, exchange: exchange, key: "report.1234.sent")
            try await eventually("reports bounded at 10", timeout: .seconds(30)) { try await depth(topology.reportsQueue) == 10 }
        } catch {
            await clearPolicies(topology)
            throw error
        }
        await clearPolicies(topology)
        for queue in topology.queues { _ = try? await channel.queueDelete(queue.name) }
        for exchange in topology.exchanges { try? await channel.exchangeDelete(exchange.name) }
    }

    @Test func theDefaultBoundsAreInTheComposeDefinitions() throws {
        let shipped = try JSONSerialization.jsonObject(with: Data(contentsOf: PackagePaths.root.appendingPathComponent("compose/rabbitmq/definitions.json")))
        let policies = try #require((shipped as? [String: Any])?["policies"] as? [[String: Any]])
        #expect(policies.count == Topology().policies.count)
        let reports = try #require(policies.first { $0["name"] as? String == "kiamo.twitter.reports" }?["definition"] as? [String: Any])
        #expect(reports["max-length"] as? Int == 100_000)
        #expect(reports["overflow"] as? String == "drop-head")
    }

    /// Splits a `rabbitmqctl ...` line the way sh would for single-quoted words.
    static func shellWords(_ line: String) throws -> [String] {
        var words: [String] = [], current = "", quoted = false, started = false
        for character in line {
            if character == "'" { quoted.toggle(); started = true; continue }
            if character == " " && !quoted {
                if started { words.append(current) }
                current = ""; started = false
                continue
            }
            current.append(character); started = true
        }
        if started { words.append(current) }
        return words
    }
}
