import Foundation
import KiamoTwitter
import TestSupport
import Testing
import XEmulator

/// A post whose outcome is unknown, in a conversation that moves on meanwhile: the customer writes
/// more DMs after the attempt than the worker reads to check. A look that does not reach back to
/// the attempt is not an answer: the reply is not posted blind (it would arrive twice), it is set
/// aside for a person.
@Suite struct DispatchBusyConversationTests {
    @Test func aReplyWhoseEarlierAttemptCannotBeCheckedIsDeadLetteredNotPostedAgain() async throws {
        try await DispatchTestRig.with { rig in
            let customer = try rig.addCustomers(1)[0]
            let command = (id: "busy-conversation", recipient: customer, text: "posted while the customer kept writing")
            // The worker gives up after 2 s; X stores the DM after 2.5 s; the retry copy, which
            // looks in the conversation first, comes back after 5 s.
            try rig.emulator.fault(EmulatorFault(endpoint: "dm-send", kind: .delay, delayMs: 2500, count: 1))
            let worker = try await rig.startWorker("dispatch", ["KIAMO_TWITTER_API_TIMEOUT": "2s", "KIAMO_TWITTER_DISPATCH_RETRY_DELAYS": "5s,10s"])
            try await rig.publish([command])
            try await rig.waitFor("X storing the DM", workers: [worker]) { rig.sent.contains { $0.text == command.text } }
            // Before the worker looks, the customer has written 2,500 DMs after it: 25 pages, more
            // than the 20 it reads.
            for index in 0..<2_500 {
                try rig.emulator.postDM(from: customer, text: "still there? \(index)")
            }
            #expect(!worker.output().contains("earlier attempt"), "the worker looked before the customer's DMs were in")
            try await rig.waitFor("the dead letter", timeout: .seconds(60), workers: [worker]) {
                !rig.deadLetters.isEmpty || rig.sent.filter { $0.text == command.text }.count > 1
            }
            #expect(rig.sent.filter { $0.text == command.text }.count == 1, "the reply was posted again without a complete look")
            #expect(rig.deadLetters.first?.properties.headers["x-kiamo-error-code"]?.stringValue == "outcome_unverifiable")
            try await rig.waitFor("the failed report", workers: [worker]) { !rig.reports.isEmpty }
            #expect(rig.reports.map(\.status) == [.failed])
            #expect(rig.reports.first?.error?.code == "outcome_unverifiable")
            try await rig.expectGracefulStop(worker)
        }
    }
}
