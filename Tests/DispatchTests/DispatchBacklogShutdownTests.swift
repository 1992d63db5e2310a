import Foundation
import KiamoTwitter
import TestSupport
import Testing
import XEmulator

/// SIGTERM while about 5,000 commands wait in the lanes (a prefetch that holds them all, X slow):
/// the worker hands them back and exits 0 within `shutdownGrace` (past it, ServiceLifecycle ends
/// the process on a signal), and a new worker posts every command once. Runs on a broker of its own.
@Suite(.serialized) struct DispatchBacklogShutdownTests {
    @Test func sigtermWithFiveThousandCommandsWaitingHandsThemBackAndExitsZero() async throws {
        try await withPrivateBroker { broker in
            try await DispatchTestRig.with(broker: broker) { rig in
                let customers = try rig.addCustomers(40)
                let commands = (0..<5_000).map { (id: "waiting-\($0)", recipient: customers[$0 % customers.count], text: "waiting reply \($0)") }
                // One second a DM for the first 100: the backlog waits in the lanes, not at X.
                try rig.emulator.fault(EmulatorFault(endpoint: "dm-send", kind: .delay, delayMs: 1000, count: 100))
                try await rig.publish(commands)
                let first = try await rig.startWorker("dispatch-0", ["KIAMO_TWITTER_DISPATCH_PREFETCH": "5000", "KIAMO_TWITTER_SHUTDOWN_GRACE": "8s"])
                let sendQueue = rig.topology.sendQueue
                try await rig.waitFor("the worker holding the whole backlog", timeout: .seconds(120), workers: [first]) {
                    let listing = try await broker.ctl(["list_queues", "name", "messages_ready", "--quiet", "--no-table-headers"])
                    return listing.split(separator: "\n").contains { line in
                        let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
                        return fields.count == 2 && fields[0] == sendQueue && fields[1] == "0"
                    }
                }

                let clock = ContinuousClock.now
                first.terminate()
                #expect(try await first.waitForExit(timeout: .seconds(60)) == .exited(0), "\(first.output().suffix(3000))")
                let exitedAfter = ContinuousClock.now - clock
                // All the worker held and did not post went back: those waiting in its lanes at
                // SIGTERM and those it had not yet placed there (how many of each depends on how
                // far its intake got behind the broker's deliveries, so only the sum is asserted).
                let stopped = first.lines().first { $0.contains("command(s) handed back in all") } ?? ""
                let handedBack = stopped.split(separator: " ").compactMap { Int($0.trimmingCharacters(in: .punctuationCharacters)) }.first ?? -1
                #expect(handedBack >= 4_000, "handed back: \(stopped)")
                let timing = first.lines().first { $0.contains("handed back in") } ?? "no hand-back timing"
                print("backlog shutdown: \(handedBack) handed back; \(timing); exit after \(exitedAfter)")

                // Nothing lost: a new worker posts the rest, each once.
                let second = try await rig.startWorker("dispatch-1", ["KIAMO_TWITTER_DISPATCH_PREFETCH": "500"])
                try await rig.waitForEverySentReport(commands, timeout: .seconds(600), workers: [second])
                rig.expectEachPostedOnce(commands)
                #expect(rig.reports.count == commands.count, "\(rig.reports.count) reports")
                try await rig.expectGracefulStop(second)
            }
        }
    }
}
