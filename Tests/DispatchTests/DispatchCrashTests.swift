import Foundation
import KiamoTwitter
import TestSupport
import Testing
import XEmulator

/// Workers that die mid-send, and workers that race: no command is lost, no DM posted twice.
@Suite(.serialized) struct DispatchCrashTests {
    @Test func killingTheWorkerFiveTimesUnderLoadLosesNothingAndPostsNothingTwice() async throws {
        try await DispatchTestRig.with { rig in
            let customers = try rig.addCustomers(40)
            let commands = (0..<600).map { (id: "cmd-\($0)", recipient: customers[$0 % customers.count], text: "reply number \($0)") }
            // 20 ms a DM, eight at a time: about 400 DMs a second, so each kill lands mid-stream.
            try rig.emulator.fault(EmulatorFault(endpoint: "dm-send", kind: .delay, delayMs: 20, count: 1_000_000))
            try await rig.publish(commands)

            var worker = try await rig.startWorker("dispatch-0")
            var logs: [RunningProcess] = [worker]
            for round in 1...5 {
                let before = rig.sent.count
                try await rig.waitFor("progress before kill \(round)", workers: [worker]) { rig.sent.count >= min(before + 40, commands.count) }
                worker.killNow()
                #expect(try await worker.waitForExit(timeout: .seconds(10)) == .killed(by: SIGKILL))
                worker = try await rig.startWorker("dispatch-\(round)")
                logs.append(worker)
            }
            try await rig.waitForEverySentReport(commands, timeout: .seconds(120), workers: logs)
            rig.expectEachPostedOnce(commands)
            #expect(rig.reports.allSatisfy { $0.status == .sent })
            try await rig.expectGracefulStop(worker)
        }
    }

    @Test func twoWorkersOnOneQueueNeverPostADMTwice() async throws {
        try await DispatchTestRig.with { rig in
            let customers = try rig.addCustomers(30)
            let commands = (0..<600).map { (id: "cmd-\($0)", recipient: customers[$0 % customers.count], text: "reply number \($0)") }
            try rig.emulator.fault(EmulatorFault(endpoint: "dm-send", kind: .delay, delayMs: 5, count: 1_000_000))
            // Half of the commands twice over: a redelivery or a second publish must not post again.
            try await rig.publish(commands + commands.prefix(300))
            async let first = rig.startWorker("dispatch-a", ["KIAMO_TWITTER_LOG_LEVEL": "debug"])
            async let second = rig.startWorker("dispatch-b", ["KIAMO_TWITTER_LOG_LEVEL": "debug"])
            let workers = try await [first, second]
            try await rig.waitForEverySentReport(commands, workers: workers)
            try await rig.waitUntilSettled(workers: workers) { try await TestBroker.ctl($0) }
            rig.expectEachPostedOnce(commands)
            // One report per command: a delivery of a command already sent and reported is
            // acknowledged without a second report.
            #expect(rig.reports.count == commands.count, "\(rig.reports.count) reports for \(commands.count) commands")
            for worker in workers {
                #expect(worker.output().contains("settling delivery"), "\(worker.name) took no part")
                try await rig.expectGracefulStop(worker)
            }
        }
    }
}
