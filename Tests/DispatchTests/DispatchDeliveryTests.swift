import Foundation
import KiamoTwitter
import TestSupport
import Testing

/// The dispatch worker as its own process against the broker, the emulator and SQLite: the
/// common path at volume, and a graceful stop.
@Suite(.serialized) struct DispatchDeliveryTests {
    @Test func aThousandCommandsToAHundredCustomersBecomeAThousandDMsInOrderEachReportedSent() async throws {
        try await DispatchTestRig.with { rig in
            let customers = try rig.addCustomers(100)
            let commands = (0..<1000).map { index in
                (id: "cmd-\(index)", recipient: customers[index % customers.count], text: "reply \(index / customers.count) to customer \(index % customers.count)")
            }
            try await rig.publish(commands)
            let started = ContinuousClock.now
            let worker = try await rig.startWorker()
            try await rig.waitFor("1,000 DMs and 1,000 reports", timeout: .seconds(120), workers: [worker]) {
                rig.sent.count >= 1000 && rig.reports.count >= 1000
            }
            let elapsed = ContinuousClock.now - started

            let sent = rig.sent
            #expect(sent.count == 1000)
            #expect(rig.postsByText().values.allSatisfy { $0 == 1 })
            for (index, customer) in customers.enumerated() {
                let expected = (0..<10).map { "reply \($0) to customer \(index)" }
                #expect(sent.filter { $0.recipientID == customer }.map(\.text) == expected)
            }
            let reports = rig.reports
            #expect(reports.count == 1000)
            #expect(Set(reports.map(\.commandId)) == Set(commands.map(\.id)))
            #expect(reports.allSatisfy { $0.status == .sent && $0.accountId == rig.account.userId })
            #expect(Set(reports.compactMap(\.dmEventId)) == Set(sent.map(\.dmEventID)))
            #expect(rig.deadLetters.isEmpty)

            try await rig.expectGracefulStop(worker)
            print("1,000 commands dispatched in \(elapsed) (worker start included)")
        }
    }

    @Test func sigtermStopsConsumingHandsBackWhatIsNotPostedAndExitsZero() async throws {
        try await DispatchTestRig.with { rig in
            let customers = try rig.addCustomers(20)
            let commands = (0..<300).map { (id: "cmd-\($0)", recipient: customers[$0 % customers.count], text: "message \($0)") }
            // Slow X down so the stop lands mid-stream: 50 ms a DM, four at a time.
            try rig.emulator.fault(.init(endpoint: "dm-send", kind: .delay, delayMs: 50, count: 100_000))
            try await rig.publish(commands)
            let worker = try await rig.startWorker("dispatch-1", ["KIAMO_TWITTER_DISPATCH_CONCURRENCY": "4"])
            try await rig.waitFor("the first 40 DMs", workers: [worker]) { rig.sent.count >= 40 }

            let signalled = ContinuousClock.now
            worker.terminate()
            let exit = try await worker.waitForExit(timeout: .seconds(10))
            #expect(exit == .exited(0))
            #expect(ContinuousClock.now - signalled < .seconds(10))
            let sentAtStop = rig.sent.count
            #expect(sentAtStop < commands.count)

            // Nothing is left claimed: what was not posted was handed back, ledger and queue alike.
            let state = try await rig.openState()
            for command in commands {
                let entry = try await state.sendEntry(account: rig.account.userId, key: command.id)
                if case .inFlight = entry?.state { Issue.record("\(command.id) is still claimed after the graceful stop") }
            }

            let next = try await rig.startWorker("dispatch-2", ["KIAMO_TWITTER_DISPATCH_CONCURRENCY": "8"])
            try await rig.waitForEverySentReport(commands, workers: [next])
            rig.expectEachPostedOnce(commands)
            try await rig.expectGracefulStop(next)
        }
    }
}
