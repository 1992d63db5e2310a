import Foundation
import KiamoTwitter
import TestSupport
import Testing
import XEmulator

/// A backlog meets a flapping broker connection, then SIGTERM: the lanes hold at most `prefetch`
/// deliveries (those of the current connection), the hand-back is quick, the worker exits 0 within
/// `shutdownGrace`, and nothing is lost or posted twice. Runs on a broker of its own.
@Suite(.serialized) struct DispatchChurnShutdownTests {
    @Test func sigtermAfterTheConnectionChurnedHandsBackAtMostPrefetchAndExitsZero() async throws {
        try await withPrivateBroker { broker in
            try await DispatchTestRig.with(broker: broker) { rig in
                let customers = try rig.addCustomers(8)
                let commands = (0..<400).map { (id: "backlog-\($0)", recipient: customers[$0 % customers.count], text: "backlog reply \($0)") }
                // 400 ms a DM, eight customers: about 20 DMs a second, so most of the backlog waits.
                try rig.emulator.fault(EmulatorFault(endpoint: "dm-send", kind: .delay, delayMs: 400, count: 1_000_000))
                try await rig.publish(commands)
                let first = try await rig.startWorker("dispatch-0", ["KIAMO_TWITTER_SHUTDOWN_GRACE": "8s"])
                let drops = try await broker.closeWorkerConnections(times: 15, every: .milliseconds(100))
                #expect(drops >= 10, "the connection was dropped \(drops) times")

                first.terminate()
                #expect(try await first.waitForExit(timeout: .seconds(20)) == .exited(0), "\(first.output().suffix(3000))")
                let stopping = first.lines().first { $0.contains("stopping: consumer cancelled") } ?? ""
                let handedBack = stopping.split(separator: " ").compactMap { Int($0) }.first ?? -1
                #expect((0...32).contains(handedBack), "handed back: \(stopping)")

                // Nothing lost: a new worker posts the rest, each once.
                let second = try await rig.startWorker("dispatch-1")
                try await rig.waitForEverySentReport(commands, timeout: .seconds(120), workers: [second])
                rig.expectEachPostedOnce(commands)
                try await rig.expectGracefulStop(second)
            }
        }
    }
}
