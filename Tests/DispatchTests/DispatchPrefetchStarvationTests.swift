import Foundation
import KiamoTwitter
import TestSupport
import Testing
import XEmulator

/// Replies that wait in the process for the head of their customer's line hold deliveries of the
/// prefetch: when all of them wait, the broker hands over nothing more, and the head's copy, back
/// from its retry tier behind them in the send queue, never arrives. The line then stood still
/// until the head's entry expired (its tier plus 30 s). Only part of the prefetch may wait; the
/// others park behind the head, which leaves room for its copy.
@Suite struct DispatchPrefetchStarvationTests {
    @Test func repliesWaitingForTheirHeadNeverFillThePrefetchSoTheHeadsCopyGetsIn() async throws {
        try await DispatchTestRig.with { rig in
            let customers = try rig.addCustomers(2)
            // The first reply to the first customer meets one 503 and goes round the 1 s tier;
            // behind it, replies to both customers keep the send queue long, four deliveries at a
            // time: when the first customer's head is due, its copy waits at the back of the queue.
            let first = (id: "starved-a-0", recipient: customers[0], text: "a 0")
            let rest = (1...150).flatMap { index in
                [
                    (id: "starved-b-\(index)", recipient: customers[1], text: "b \(index)"),
                    (id: "starved-a-\(index)", recipient: customers[0], text: "a \(index)"),
                ]
            }
            let commands = [first] + rest
            try rig.emulator.fault(EmulatorFault(endpoint: "dm-send", kind: .status, status: 503, count: 1))
            // X takes 50 ms a post, so the queue is still long when the head is due.
            try rig.emulator.fault(EmulatorFault(endpoint: "dm-send", kind: .delay, delayMs: 50, count: 1_000))
            let worker = try await rig.startWorker("dispatch", ["KIAMO_TWITTER_DISPATCH_PREFETCH": "4", "KIAMO_TWITTER_LOG_LEVEL": "debug"])
            let started = ContinuousClock.now
            try await rig.publish(commands)
            try await rig.waitForEverySentReport(commands, timeout: .seconds(120), workers: [worker])
            let elapsed = ContinuousClock.now - started
            rig.expectEachPostedOnce(commands)
            for customer in customers {
                let expected = commands.filter { $0.recipient == customer }.map(\.text)
                #expect(rig.sent.filter { $0.recipientID == customer }.map(\.text) == expected)
            }
            // 150 posts a customer at 50 ms, side by side, and the head's trip round the 1 s tier;
            // before, every delivery waited for the head whose copy could not get in, and the line
            // stood still until the head's entry expired, again and again (past 120 s).
            #expect(elapsed < .seconds(45), "took \(elapsed)")
            try await rig.expectGracefulStop(worker)
        }
    }
}
