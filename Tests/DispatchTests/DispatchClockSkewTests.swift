import Foundation
import KiamoTwitter
import TestSupport
import Testing
import XEmulator

/// A post whose answer is lost is verified in the conversation before it is posted again: the
/// verification looks for the DM created at or after the moment the post began. That moment must
/// be X's time: on a host whose clock runs ahead, the host's own time put it after the DM X had
/// stored, the verification missed it, and the reply was posted twice (found by the multi-host
/// suite's host with its clock 30 s ahead, issue 14 (f)).
@Suite struct DispatchClockSkewTests {
    @Test(arguments: [30, -30])
    func aLostAnswerOnAHostWhoseClockIsOffIsVerifiedAgainstXsClockAndPostedOnce(skewSeconds: Int) async throws {
        let library = try await ClockSkewShim.build()
        try await DispatchTestRig.with { rig in
            let customer = try rig.addCustomers(1)[0]
            let command = (id: "skewed-\(skewSeconds)", recipient: customer, text: "a reply from a host \(skewSeconds) s off")
            // X stores the DM, then the connection drops before its answer.
            try rig.emulator.fault(EmulatorFault(endpoint: "dm-send", kind: .lostAnswer, count: 1))
            let worker = try await rig.startWorker(
                "dispatch",
                [
                    "LD_PRELOAD": library, "KIAMO_CLOCK_SKEW_S": "\(skewSeconds)", "KIAMO_TWITTER_API_TIMEOUT": "2s",
                ])
            try await rig.publish([command])
            try await rig.waitForEverySentReport([command], timeout: .seconds(90), workers: [worker])
            #expect(rig.emulator.stats().faultsApplied == 1)
            #expect(
                rig.sent.filter { $0.text == command.text }.count == 1,
                "posted \(rig.sent.filter { $0.text == command.text }.count) times\n\(worker.output().suffix(3000))")
            try await rig.expectGracefulStop(worker)
        }
    }
}
