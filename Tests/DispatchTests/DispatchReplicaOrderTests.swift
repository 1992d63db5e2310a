import Foundation
import KiamoTwitter
import TestSupport
import Testing
import XEmulator

/// Two dispatch processes share the queue, so a customer's retry copy may come back to either:
/// the line behind a reply parked in a retry tier lives in the state store, seen by both.
@Suite(.serialized) struct DispatchReplicaOrderTests {
    @Test(arguments: [(replies: 10, failures: 1), (replies: 20, failures: 2)])
    func aCustomersRepliesStayInOrderAcrossTwoDispatchProcessesWhenTheFirstGoesRoundTheRetryTiers(
        replies: Int, failures: Int
    ) async throws {
        try await DispatchTestRig.with { rig in
            let customer = try rig.addCustomers(1)[0]
            let commands = (0..<replies).map { (id: "replica-\(failures)-\($0)", recipient: customer, text: "reply \($0) of \(replies)") }
            let first = try await rig.startWorker("dispatch-a")
            let second = try await rig.startWorker("dispatch-b")
            let workers = [first, second]
            // The customer's first reply meets X's 503 `failures` times, so it goes round the
            // 1 s tier (and the 2 s one); the broker hands its copies to either process.
            try rig.emulator.fault(EmulatorFault(endpoint: "dm-send", kind: .status, status: 503, count: failures))
            let started = ContinuousClock.now
            try await rig.publish([commands[0]])
            try await rig.waitFor("the first reply to meet its 503", workers: workers) {
                rig.emulator.stats().faultsApplied >= 1
            }
            // The agent goes on answering: the broker spreads the replies over both processes.
            // Each is published once the one before it has its place (in the customer's line,
            // or posted): the order kept is the order replies are admitted in, and two replies
            // handed to two processes at the same moment are admitted in whichever order their
            // processes reach the store (best effort, see the README).
            let state = try await rig.openState()
            for command in commands.dropFirst() {
                try await rig.publish([command])
                try await rig.waitFor("\(command.id) in the line or posted", workers: workers) {
                    let line = try await state.recipientLine(account: rig.account.userId, recipient: customer)
                    return line.contains { $0.commandId == command.id } || rig.sent.contains { $0.text == command.text }
                }
            }
            try await rig.waitForEverySentReport(commands, timeout: .seconds(120), workers: workers)
            let elapsed = ContinuousClock.now - started
            rig.expectEachPostedOnce(commands)
            #expect(rig.sent.filter { $0.recipientID == customer }.map(\.text) == commands.map(\.text))
            #expect(rig.emulator.stats().faultsApplied == failures)
            // Bounded by the tiers the first reply went round (with jitter, 2 s then 5 s) and the
            // agent's pace, not by a tier per reply (before, 20 replies took 80 to 140 s).
            let tiers = DispatchTestRig.retryDelays.reduce(Duration.zero, +)
            // Minutes were the defect (80 to 140 s for 20 replies with two processes); a loaded 2-core
            // machine running the whole suite took 46 s once, hence the margin.
            #expect(elapsed < tiers + .milliseconds(100 * replies) + .seconds(45), "took \(elapsed)")
            try await rig.expectGracefulStop(first)
            try await rig.expectGracefulStop(second)
        }
    }
}
