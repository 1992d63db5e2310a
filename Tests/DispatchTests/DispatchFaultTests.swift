import Foundation
import KiamoTwitter
import TestSupport
import Testing
import XEmulator

/// X misbehaving: server errors, answers that never come (the DM posted or not), dropped
/// connections, unreadable answers and 429s with a reset. Every command still ends as exactly one
/// DM and a `sent` report.
@Suite(.serialized) struct DispatchFaultTests {
    @Test func everyCommandIsSentExactlyOnceThroughServerErrorsTimeoutsDropsAndRateLimits() async throws {
        // A 429 fault carries a reset 3 s away (the length of the emulator's send window here).
        try await DispatchTestRig.with(rateLimits: DispatchTestRig.unlimited(sendWindow: 3)) { rig in
            let customers = try rig.addCustomers(10)
            let commands = (0..<60).map { (id: "cmd-\($0)", recipient: customers[$0 % customers.count], text: "answer \($0)") }
            // The faults hit the next DM posts in this order, whatever command they carry.
            let faults: [EmulatorFault] = [
                EmulatorFault(endpoint: "dm-send", kind: .status, status: 500, count: 3),
                EmulatorFault(endpoint: "dm-send", kind: .drop, count: 3),
                // Longer than the worker's 1 s request timeout: X posts the DM after the worker gave up.
                EmulatorFault(endpoint: "dm-send", kind: .delay, delayMs: 1200, count: 3),
                EmulatorFault(endpoint: "dm-send", kind: .status, status: 503, count: 3),
                EmulatorFault(endpoint: "dm-send", kind: .malformed, count: 2),
                EmulatorFault(endpoint: "dm-send", kind: .status, status: 429, count: 2),
            ]
            for fault in faults { try rig.emulator.fault(fault) }
            try await rig.publish(commands)
            let worker = try await rig.startWorker(
                "dispatch",
                [
                    "KIAMO_TWITTER_API_TIMEOUT": "1s",
                    "KIAMO_TWITTER_DISPATCH_MAX_ATTEMPTS": "20",
                ])
            try await rig.waitForEverySentReport(commands, timeout: .seconds(90), workers: [worker])
            // A timed-out request posts its DM 1.2 s after it began; its command is reported only
            // after a verification at least 2 s after that start, so every late DM is in by now.
            rig.expectEachPostedOnce(commands)
            #expect(rig.reports.allSatisfy { $0.status == .sent })
            #expect(rig.emulator.stats().faultsApplied == faults.reduce(0) { $0 + $1.count })
            // Each customer's replies in the order they were published, although some went round
            // the retry tiers: later ones waited behind them.
            let sent = rig.sent
            for customer in customers {
                let expected = commands.filter { $0.recipient == customer }.map(\.text)
                #expect(sent.filter { $0.recipientID == customer }.map(\.text) == expected, "customer \(customer)")
            }
            // Every sent report names the DM X holds for its command.
            let eventByText = Dictionary(uniqueKeysWithValues: rig.sent.map { ($0.text, $0.dmEventID) })
            for report in rig.reports {
                let text = commands.first { $0.id == report.commandId }?.text ?? ""
                #expect(report.dmEventId == eventByText[text], "\(report.commandId)")
            }
            try await rig.expectGracefulStop(worker)
        }
    }

    @Test func aReplyThatGoesRoundARetryTierIsNotOvertakenByTheNextOnesToTheSameCustomer() async throws {
        try await DispatchTestRig.with { rig in
            let customers = try rig.addCustomers(2)
            // Customer 0's first reply meets X's 503 and waits in the 1 s tier; its next replies are
            // already in the worker's lane, and customer 1's replies are unaffected.
            let commands = (0..<10).map { (id: "ordered-\($0)", recipient: customers[$0 < 5 ? 0 : 1], text: "in order \($0)") }
            try rig.emulator.fault(EmulatorFault(endpoint: "dm-send", kind: .status, status: 503, count: 1))
            try await rig.publish(commands)
            let worker = try await rig.startWorker("dispatch")
            try await rig.waitForEverySentReport(commands, workers: [worker])
            rig.expectEachPostedOnce(commands)
            for customer in customers {
                let expected = commands.filter { $0.recipient == customer }.map(\.text)
                #expect(rig.sent.filter { $0.recipientID == customer }.map(\.text) == expected, "customer \(customer)")
            }
            try await rig.expectGracefulStop(worker)
        }
    }

    @Test func anExpiredOAuth2TokenIsRefreshedOnceAndTheSendsGoOn() async throws {
        try await DispatchTestRig.with { rig in
            let customers = try rig.addCustomers(10)
            let commands = (0..<200).map { (id: "cmd-\($0)", recipient: customers[$0 % customers.count], text: "reply \($0)") }
            try rig.emulator.fault(EmulatorFault(endpoint: "dm-send", kind: .delay, delayMs: 10, count: 1_000_000))
            try await rig.publish(commands)
            let worker = try await rig.startWorker("dispatch-oauth2", oauth2: true)
            let refreshesAtStart = rig.emulator.stats().tokenRefreshes
            try await rig.waitFor("the first 50 DMs", workers: [worker]) { rig.sent.count >= 50 }
            // X revokes every access token: the next posts get 401, the worker refreshes and retries.
            rig.emulator.store.expireAccessTokens()
            try await rig.waitForEverySentReport(commands, workers: [worker])
            #expect(rig.emulator.stats().tokenRefreshes == refreshesAtStart + 1)
            rig.expectEachPostedOnce(commands)
            try await rig.expectGracefulStop(worker)
        }
    }
}
