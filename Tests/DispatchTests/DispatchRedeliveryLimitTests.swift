import AMQP
import Foundation
import KiamoTwitter
import TestSupport
import Testing

/// A command that kills the worker every time it is handled (`DispatchTestFault`: the process
/// exits once its delivery is counted, as a crash in its handling would) is set aside after
/// `dispatch.maxDeliveries` deliveries, once, while the commands around it are posted; a
/// supervisor restarts the worker each time, as systemd or compose would.
@Suite(.serialized) struct DispatchRedeliveryLimitTests {
    @Test func aCommandThatKillsTheWorkerEachTimeIsDeadLetteredOnceAfterMaxDeliveries() async throws {
        try await DispatchTestRig.with { rig in
            let customers = try rig.addCustomers(4)
            let good = (1...6).map { (id: "good-\($0)", recipient: customers[$0 % 4], text: "reply \($0)") }
            try await rig.publish(Array(good.prefix(3)))
            // The poison shares its customer's lane with good-4, which must still be posted.
            try await rig.publish([(id: "poison", recipient: customers[0], text: "POISON reply")])
            try await rig.publish(Array(good.suffix(3)))

            let environment = [DispatchTestFault.variable: "POISON", "KIAMO_TWITTER_DISPATCH_MAX_DELIVERIES": "3"]
            var worker = try await rig.startWorker("dispatch-1", environment)
            var starts = 1
            var outputs: [String] = []
            try await eventually("the poison dead-lettered, every good command reported", timeout: .seconds(180), every: .milliseconds(100)) {
                if !worker.isRunning {
                    outputs.append(worker.output())
                    // Without the limit it would go on for ever: give up (and fail below).
                    if starts >= 8 { return true }
                    starts += 1
                    worker = try await rig.startWorker("dispatch-\(starts)", environment)
                }
                return !rig.deadLetters.isEmpty && rig.sentReportIds.count >= good.count
            }
            try await rig.waitUntilSettled(workers: [worker]) { try await TestBroker.ctl($0) }

            // Three deliveries ended the process; the fourth set the command aside.
            #expect(starts == 4, "\(starts) starts; last output: \(outputs.last?.suffix(2000) ?? "")")
            #expect(outputs.allSatisfy { $0.contains("test fault") })
            let posts = rig.postsByText()
            #expect(good.allSatisfy { posts[$0.text] == 1 }, "posts: \(posts)")
            #expect(!rig.sent.contains { $0.text.contains("POISON") })
            let letters = rig.deadLetters.filter { $0.properties.headers["x-kiamo-command-id"]?.stringValue == "poison" }
            #expect(rig.deadLetters.count == 1 && letters.count == 1, "\(rig.deadLetters.count) dead letters")
            #expect(letters.first?.properties.headers["x-kiamo-error-code"]?.stringValue == "redelivery_limit")
            #expect(letters.first?.properties.headers["x-kiamo-attempts"]?.intValue == 3)
            #expect(rig.reports.filter { $0.commandId == "poison" }.map(\.status) == [.failed])
            #expect(rig.reports.filter { $0.commandId == "poison" }.first?.error?.code == "redelivery_limit")
            #expect(rig.reports.count == good.count + 1, "\(rig.reports.count) reports")
            #expect(worker.isRunning)
            try await rig.expectGracefulStop(worker)
        }
    }
}
