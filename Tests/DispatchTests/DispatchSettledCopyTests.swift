import Foundation
import KiamoTwitter
import TestSupport
import Testing
import XEmulator

/// A copy of a reply that was already posted (its ack lost to a restart, or a copy back from a
/// tier after another delivery posted it) has nothing left to post: it must not take a turn in
/// its customer's line. Before, it queued behind whatever led the line and went round the retry
/// tiers with the live replies (the end-to-end run found copies of sent replies still in the 2 s
/// and 10 s tiers after every reply had been posted and reported).
@Suite struct DispatchSettledCopyTests {
    @Test func aCopyOfAPostedReplyIsAcknowledgedAtOnceWhileItsCustomersLineWaitsBehindAParkedReply() async throws {
        try await DispatchTestRig.with { rig in
            let customer = try rig.addCustomers(1)[0]
            let posted = (id: "settled-copy-0", recipient: customer, text: "the reply posted first")
            let worker = try await rig.startWorker("dispatch")
            try await rig.publish([posted])
            try await rig.waitForEverySentReport([posted], workers: [worker])

            // The next reply to this customer was admitted and parked in the 5 s tier by another
            // process: the line waits behind it for the tier and its grace (about 37 s).
            let state = try await rig.openState()
            let account = rig.account.userId
            try await state.joinLine(account: account, recipient: customer, commandId: "settled-copy-1", posting: .seconds(60))
            let admission = try await state.admitToLine(
                account: account, recipient: customer, commandId: "settled-copy-1", mayWait: false,
                fallbackTier: .seconds(1), posting: .seconds(60))
            guard case .go = admission else {
                Issue.record("the parked reply was not admitted: \(admission)")
                return
            }
            try await state.parkInLine(account: account, recipient: customer, commandId: "settled-copy-1", tier: .seconds(5))

            // The first reply comes again (a redelivery whose ack was lost).
            try await rig.publish([posted])
            try await rig.waitFor("the copy acknowledged", timeout: .seconds(15), workers: [worker]) {
                worker.output().contains("acknowledging and reporting again") || worker.output().contains("already sent and reported")
            }
            try await rig.waitUntilSettled(timeout: .seconds(4), workers: [worker]) { try await TestBroker.ctl($0) }
            #expect(!worker.output().contains("parked behind it"), "the copy of a posted reply took a turn in the line")
            // The parked reply's entry stays until its tier and grace are over (37.5 s), the copy's is gone.
            let line = try await state.recipientLine(account: account, recipient: customer).map(\.commandId)
            #expect(!line.contains("settled-copy-0"), "the copy kept a place in the line: \(line)")
            rig.expectEachPostedOnce([posted])
            try await rig.expectGracefulStop(worker)
        }
    }
}
