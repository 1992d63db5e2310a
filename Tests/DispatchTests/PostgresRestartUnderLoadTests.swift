import AMQP
import Foundation
import KiamoTwitter
import Synchronization
import TestSupport
import Testing
import XEmulator

/// The PostgreSQL state store restarted (`pg_ctl restart -m fast`, which cuts every connection)
/// twice while ingest drains a backlog and dispatch posts replies, both on that store: the workers
/// pause and resume on their own, no DM is lost or published twice, no reply is posted twice.
/// The server is the test's own (`PrivatePostgres`): restarting the shared one would cut every
/// other suite's connections.
@Suite(.serialized) struct PostgresRestartUnderLoadTests {
    static let backlog = 2_000
    static let commandCount = 300

    @Test func theWorkersRideOutPostgresRestartsAndNothingIsLostOrSentTwice() async throws {
        try await withPrivatePostgres { postgres in
            try await DispatchTestRig.with { rig in
                let inbound = try await InboundIds.consume(rig)
                let bulk = try rig.emulator.bulk(count: Self.backlog, senders: 30)
                #expect(bulk.created == Self.backlog)
                // Three customers get 100 replies each: a customer's replies go one at a time, in
                // order, and X takes 100 ms per post, so the replies go on through both restarts.
                let customers = try rig.addCustomers(3)
                let commands = (0..<Self.commandCount).map {
                    (id: "pg-restart-\($0)", recipient: customers[$0 % customers.count], text: "reply across a restart \($0)")
                }
                try rig.emulator.fault(EmulatorFault(endpoint: "dm-send", kind: .delay, delayMs: 100, count: 1_000_000))

                let state = ["KIAMO_TWITTER_STATE_URL": postgres.url, "KIAMO_TWITTER_LOG_LEVEL": "debug"]
                let dispatch = try await rig.startWorker("dispatch", state)
                let ingest = try await WorkerProcess.start(
                    "kiamo-twitter-ingest", name: "ingest",
                    environment: rig.environment(
                        state.merging([
                            "KIAMO_TWITTER_POLL_INTERVAL": "200ms", "KIAMO_TWITTER_BACKFILL": "1h", "KIAMO_TWITTER_INGEST_LEASE_TTL": "3s",
                        ]) { $1 }),
                    readyLine: "polling as the active ingest process")
                let workers = [dispatch, ingest]
                // Customers keep writing all along (a DM every 20 ms): ingest drains the backlog,
                // then what keeps coming, across both restarts.
                let writer = Task { () -> [String] in
                    var written: [String] = []
                    while !Task.isCancelled {
                        if let id = try? rig.emulator.postDM(from: customers[written.count % customers.count], text: "meanwhile \(written.count)").id {
                            written.append(id)
                        }
                        try? await Task.sleep(for: .milliseconds(20))
                    }
                    return written
                }
                try await rig.waitFor("the backlog flowing", timeout: .seconds(120), workers: workers) { inbound.distinct.count >= 100 }
                try await rig.publish(commands)

                // Two restarts, each while replies are being posted and DMs published.
                for (round, sent) in [(1, 20), (2, 120)] {
                    try await rig.waitFor("\(sent) replies sent", timeout: .seconds(120), workers: workers) { rig.sentReportIds.count >= sent }
                    let published = inbound.distinct.count
                    #expect(rig.sentReportIds.count < commands.count, "restart \(round) came after every reply was sent")
                    try await postgres.restart()
                    try await rig.waitFor("DMs published after restart \(round)", timeout: .seconds(120), workers: workers) {
                        inbound.distinct.count > published
                    }
                }

                try await rig.waitForEverySentReport(commands, timeout: .seconds(180), workers: workers)
                writer.cancel()
                let written = await writer.value
                let expected = written.count + Self.backlog
                try await rig.waitFor("every DM in the inbound queue", timeout: .seconds(180), workers: workers) {
                    inbound.distinct.isSuperset(of: written) && inbound.distinct.count >= expected
                }
                // A DM behind the rest: once it is in, whatever was to be published again is too.
                let marker = try rig.emulator.postDM(from: customers[0], text: "marker after the restarts").id
                try await rig.waitFor("the marker in the inbound queue", timeout: .seconds(60), workers: workers) {
                    inbound.distinct.contains(marker)
                }

                #expect(inbound.distinct.count == expected + 1)
                #expect(
                    inbound.count == inbound.distinct.count,
                    "\(inbound.count - inbound.distinct.count) of \(expected) DMs published twice across the restarts")
                rig.expectEachPostedOnce(commands)
                #expect(Set(rig.reports.map(\.commandId)) == Set(commands.map(\.id)))
                #expect(rig.reports.allSatisfy { $0.status == .sent }, "\(rig.reports.filter { $0.status != .sent }.prefix(5))")
                // They paused and resumed, never crashed: both still run and stop gracefully.
                #expect(ingest.isRunning && dispatch.isRunning)
                try await rig.expectGracefulStop(ingest)
                try await rig.expectGracefulStop(dispatch)
                print(
                    "after the restarts: \(expected) DMs published, \(inbound.count - inbound.distinct.count) repeats; "
                        + "ingest logged \(ingest.output().components(separatedBy: "state store").count - 1) state errors, "
                        + "dispatch \(dispatch.output().components(separatedBy: "state store").count - 1)")
                await inbound.stop()
            }
        }
    }
}

/// The ids of the messages ingest publishes to the rig's inbound queue, every delivery counted.
private final class InboundIds: Sendable {
    private let ids = Mutex<[String]>([])
    private let task = Mutex<Task<Void, Never>?>(nil)

    var count: Int { ids.withLock { $0.count } }
    var distinct: Set<String> { Set(ids.withLock { $0 }) }

    static func consume(_ rig: DispatchTestRig) async throws -> InboundIds {
        let collector = InboundIds()
        let channel = try await rig.connection.openChannel()
        try await channel.qos(prefetchCount: 500)
        let deliveries = try await channel.consume(queue: rig.topology.inboundQueue)
        collector.task.withLock {
            $0 = Task {
                do {
                    for try await delivery in deliveries {
                        if let message = try? KiamoJSON.decode(KiamoMessage.self, from: delivery.body) {
                            collector.ids.withLock { $0.append(message.id) }
                        }
                        try? await channel.ack(delivery)
                    }
                } catch {}
            }
        }
        return collector
    }

    func stop() async {
        task.withLock { $0?.cancel() }
    }
}
