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
                // One second a DM, 8 at a time, for as long as the first worker lives: the backlog
                // waits in its lanes however long the broker takes to hand it all over. (A fault on
                // the first 100 sends only left the outcome to scheduling: a slow intake saw them
                // pass and the worker post thousands before the SIGTERM.)
                try rig.emulator.fault(EmulatorFault(endpoint: "dm-send", kind: .delay, delayMs: 1000, count: commands.count))
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
                rig.emulator.clearFaults()
                // Every command the worker held is accounted for when it exits: posted (those in
                // flight at the SIGTERM finished), or handed back, whether it waited in a lane or
                // had not yet been placed in one (how many of each depends on how far its intake
                // got behind the broker's deliveries, so only the sum is asserted).
                let posted = rig.emulator.sent().count
                let stopped = first.lines().first { $0.contains("command(s) handed back in all") } ?? ""
                let handedBack = stopped.split(separator: " ").compactMap { Int($0.trimmingCharacters(in: .punctuationCharacters)) }.first ?? -1
                #expect(handedBack + posted == commands.count, "posted \(posted); handed back: \(stopped)")
                #expect(handedBack >= 4_000, "handed back: \(stopped)")
                let timing = first.lines().first { $0.contains("waiting command(s) handed back in") } ?? "no hand-back timing"
                #expect(timing != "no hand-back timing", "the hand-back finished before the worker stopped")
                print("backlog shutdown: \(handedBack) handed back, \(posted) posted; \(timing); exit after \(exitedAfter)")

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
