import Foundation
import KiamoTwitter
import TestSupport
import Testing
import XEmulator

/// A post whose outcome is unknown (X never answered, the connection to X dropped, the worker
/// died mid-post) meets a broker that restarts or flaps: the send ledger remembers that the DM
/// may be posted, so whoever takes the command next, in whatever process, looks in the
/// conversation before posting. Each runs on a broker of its own, which it disturbs.
@Suite(.serialized) struct DispatchUnknownOutcomeTests {
    /// The broker, as the rig's helpers read it.
    private static func ctl(_ broker: PrivateBroker) -> ([String]) async throws -> String {
        { arguments in try await broker.ctl(arguments) }
    }

    @Test(arguments: [BrokerDisturbance.restart, .closedConnection])
    func aPostThatTimesOutWhileTheBrokerIsDisturbedIsOneDMAndOneReport(disturbance: BrokerDisturbance) async throws {
        try await withPrivateBroker { broker in
            try await DispatchTestRig.with(broker: broker) { rig in
                let customer = try rig.addCustomers(1)[0]
                let command = (id: "unknown-\(disturbance)", recipient: customer, text: "the answer (\(disturbance))")
                // The worker gives up after 2 s; X stores the DM after 2.5 s.
                try rig.emulator.fault(EmulatorFault(endpoint: "dm-send", kind: .delay, delayMs: 2500, count: 1))
                let worker = try await rig.startWorker("dispatch", ["KIAMO_TWITTER_API_TIMEOUT": "2s"])
                try await rig.publish([command])
                try await rig.waitFor("the post under way", workers: [worker]) { rig.emulator.stats().faultsApplied == 1 }
                // Half a second into the post the broker goes away: the post times out while it is
                // away (the retry copy, the hand-back and the ack meet a broker that is not there).
                try await Task.sleep(for: .milliseconds(500)) // the schedule of the fault, not a wait for an outcome
                switch disturbance {
                case .restart:
                    try await broker.restartApp()
                case .closedConnection:
                    try await broker.closeWorkerConnections(times: 20, every: .milliseconds(150))
                }
                try await rig.waitForEverySentReport([command], workers: [worker])
                try await rig.waitUntilSettled(workers: [worker], Self.ctl(broker))
                #expect(rig.sent.filter { $0.text == command.text }.count == 1, "\(worker.output().suffix(3000))")
                #expect(rig.reports.count == 1, "reports: \(rig.reports.map(\.status))")
                #expect(rig.deadLetters.isEmpty)
                try await rig.expectGracefulStop(worker)
            }
        }
    }

    @Test func aWorkerKilledMidPostThenABrokerRestartLeavesOneDMAndOneReport() async throws {
        try await withPrivateBroker { broker in
            try await DispatchTestRig.with(broker: broker) { rig in
                let customer = try rig.addCustomers(1)[0]
                let command = (id: "killed-mid-post", recipient: customer, text: "posted while the worker died")
                // X takes 3 s and stores the DM; the worker is killed after 1 s, mid-post.
                try rig.emulator.fault(EmulatorFault(endpoint: "dm-send", kind: .delay, delayMs: 3000, count: 1))
                let first = try await rig.startWorker("dispatch-0", ["KIAMO_TWITTER_API_TIMEOUT": "10s"])
                try await rig.publish([command])
                try await rig.waitFor("the post under way", workers: [first]) { rig.emulator.stats().faultsApplied == 1 }
                try await Task.sleep(for: .seconds(1)) // the schedule of the fault
                first.killNow()
                #expect(try await first.waitForExit() == .killed(by: SIGKILL))
                try await broker.restartApp()
                let second = try await rig.startWorker("dispatch-1", ["KIAMO_TWITTER_API_TIMEOUT": "10s"])
                try await rig.waitForEverySentReport([command], timeout: .seconds(90), workers: [second])
                try await rig.waitUntilSettled(workers: [second], Self.ctl(broker))
                #expect(rig.sent.filter { $0.text == command.text }.count == 1, "\(second.output().suffix(3000))")
                #expect(rig.reports.count == 1, "reports: \(rig.reports.map(\.status))")
                try await rig.expectGracefulStop(second)
            }
        }
    }

    @Test func commandsFlowingWhileTheBrokerConnectionKeepsDroppingAreEachPostedOnce() async throws {
        try await withPrivateBroker { broker in
            try await DispatchTestRig.with(broker: broker) { rig in
                let customers = try rig.addCustomers(10)
                let commands = (0..<100).map { (id: "churn-\($0)", recipient: customers[$0 % customers.count], text: "churn reply \($0)") }
                // The first five posts time out (X stores them after 2.5 s, the worker gives up after
                // 2 s), then 300 ms a DM: each drop of the connection lands with posts in flight.
                try rig.emulator.fault(EmulatorFault(endpoint: "dm-send", kind: .delay, delayMs: 2500, count: 5))
                try rig.emulator.fault(EmulatorFault(endpoint: "dm-send", kind: .delay, delayMs: 300, count: 1_000_000))
                let worker = try await rig.startWorker("dispatch", ["KIAMO_TWITTER_API_TIMEOUT": "2s"])
                try await rig.publish(commands)
                let drops = try await broker.closeWorkerConnections(times: 40, every: .milliseconds(100)) {
                    rig.sentReportIds.count >= commands.count
                }
                #expect(drops >= 5, "the connection was dropped \(drops) times")
                try await rig.waitForEverySentReport(commands, timeout: .seconds(120), workers: [worker])
                try await rig.waitUntilSettled(timeout: .seconds(90), workers: [worker], Self.ctl(broker))
                rig.expectEachPostedOnce(commands)
                // Reports are at least once (README): one whose confirm was lost with a dropped
                // connection is published again, with the same correlation id. 316 for 100 before.
                #expect(Set(rig.reports.map(\.commandId)).count == commands.count, "\(rig.reports.count) reports for \(commands.count) commands")
                #expect(rig.reports.count <= commands.count + 10, "\(rig.reports.count) reports for \(commands.count) commands")
                try await rig.expectGracefulStop(worker)
            }
        }
    }
}

/// What happens to the broker while a post's outcome is unknown.
enum BrokerDisturbance: String, CustomStringConvertible, Sendable {
    /// `rabbitmqctl stop_app` and `start_app`.
    case restart
    /// The worker's connection closed by the broker, again and again for 3 s.
    case closedConnection

    var description: String { rawValue }
}
