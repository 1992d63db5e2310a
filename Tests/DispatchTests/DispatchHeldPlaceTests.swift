import Foundation
import KiamoTwitter
import SharedState
import TestSupport
import Testing
import XEmulator

/// A reply keeps its place in its customer's line for as long as a live dispatch process holds
/// it, however long it waits there (in its lane behind slow posts, for the suspect gate, for the
/// store). Before, the place taken on arrival lasted one posting window (twice `api.timeout` plus
/// 2 s) and was never renewed: a reply that waited longer in its lane lost it, and a later reply
/// to the same customer reaching the other process took the line first (chaos seed 207892:
/// customer 6 got replies `[0…7, 9, 10, 11, 8]`).
@Suite struct DispatchHeldPlaceTests {
    @Test func aReplyWaitingInItsLaneLongerThanThePostingWindowKeepsItsPlaceAheadOfALaterReplyInAnotherProcess() async throws {
        try await DispatchTestRig.with { rig in
            let customer = try rig.addCustomers(1)[0]
            let account = rig.account.userId
            // Nine posts X answers in 3 s each (the timeout is 10 s: room for a machine loaded by
            // the whole suite): the reply behind them waits in its lane at least 27 s; the posting
            // window is 22 s (2 × 10 s + 2 s).
            let slow = (0..<9).map { (id: "held-slow-\($0)", recipient: customer, text: "slow reply \($0)") }
            let held = (id: "held-behind", recipient: customer, text: "the reply held in its lane")
            try rig.emulator.fault(EmulatorFault(endpoint: "dm-send", kind: .delay, delayMs: 3000, count: slow.count))
            let worker = try await rig.startWorker("dispatch", ["KIAMO_TWITTER_API_TIMEOUT": "10s", "KIAMO_TWITTER_DISPATCH_STALE_CLAIM": "30s"])
            let state = try await rig.openState()
            let published = ContinuousClock.now
            try await rig.publish(slow + [held])
            try await rig.waitFor("every reply in the line", workers: [worker]) {
                let line = try await state.recipientLine(account: account, recipient: customer).map(\.commandId)
                return line.contains(held.id)
            }

            // Past the window since it arrived, while it still waits in its lane, the agent's next
            // reply reaches another dispatch process (the test plays it on the same store): it
            // takes its place and asks for the line as a process does, every 50 ms.
            try await eventually("the posting window over since the replies arrived", timeout: .seconds(40), every: .milliseconds(50)) {
                ContinuousClock.now - published > .seconds(24)
            }
            #expect(!rig.sent.contains { $0.text == held.text }, "the held reply went too early for this test to mean anything")
            let later = "held-later"
            try await state.joinLine(account: account, recipient: customer, commandId: later, posting: .seconds(22))
            var admission = RecipientLineAdmission.waitForHead(beingPosted: true)
            let deadline = ContinuousClock.now + .seconds(60)
            while case .waitForHead = admission, ContinuousClock.now < deadline {
                admission = try await state.admitToLine(
                    account: account, recipient: customer, commandId: later, mayWait: true,
                    fallbackTier: .seconds(1), posting: .seconds(22))
                if case .waitForHead = admission { try await Task.sleep(for: .milliseconds(50)) }
            }
            guard case .go(let ticket) = admission else {
                Issue.record("the later reply was never admitted: \(admission)\n\(worker.output().suffix(3000))")
                return
            }
            // Admitted: everything the first process held must have been posted before it.
            let postedFirst = rig.sent.filter { $0.recipientID == customer }.map(\.text)
            #expect(
                postedFirst == (slow + [held]).map(\.text),
                "the later reply was admitted before the held one was posted: X had \(postedFirst)")
            try await state.leaveLine(account: account, recipient: customer, commandId: later, ticket: ticket)

            try await rig.waitForEverySentReport(slow + [held], workers: [worker])
            rig.expectEachPostedOnce(slow + [held])
            try await rig.expectGracefulStop(worker)
        }
    }
}
