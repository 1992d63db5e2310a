import Foundation
import TestSupport
import Testing

/// `e2e` and numbered test 07 through the real workers, each its own process.
@Suite struct CLIEndToEndTests {
    @Test func e2eFollowsACustomersDMInAndTheReplyOut() async throws {
        let emulator = try await CLIEmulator()
        var environment = try CLIEnvironment.live(apiBaseURL: emulator.baseURL)
        environment.variables.merge(["KIAMO_TWITTER_POLL_INTERVAL": "200ms", "KIAMO_TWITTER_BACKFILL": "10m"]) { _, new in new }
        #expect(try await environment.run(["setup"]).status == 0)
        let ingest = try await WorkerProcess.start(
            "kiamo-twitter-ingest", name: "ingest-e2e", environment: environment.variables,
            readyLine: "polling as the active ingest process")
        let dispatch = try await WorkerProcess.start(
            "kiamo-twitter-dispatch", name: "dispatch-e2e", environment: environment.variables,
            readyLine: "dispatch started")

        let result = try await environment.run(["e2e", "--timeout", "20", "--json"])
        #expect(result.status == 0, "\(result)\n--- ingest\n\(ingest.output().suffix(2000))")
        let json = try JSONDocument(result.stdout)
        #expect(json["target"] as? String == "emulator")
        #expect(((json["inbound"] as? [String: Any])?["content"] as? String)?.hasPrefix("kiamo-twitter e2e ") == true)
        #expect(((json["inbound"] as? [String: Any])?["senderName"] as? String)?.hasPrefix("E2E Customer@e2e_") == true)
        #expect((json["report"] as? [String: Any])?["status"] as? String == "sent")
        #expect(result.stderr.contains("Kiamo message received"), "no progress shown: \(result)")

        let test07 = try await environment.run(["test", "--test=07", "--timeout", "20"])
        #expect(test07.status == 0 && test07.stdout.hasSuffix("end-to-end OK\nOK\n"), "\(test07)")
        // On a terminal standard output and error share the screen: each step is shown once.
        let command = "\(PackagePaths.executable("kiamo-twitter")) test --test=07 --timeout 20"
        var terminalEnvironment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("KIAMO_TWITTER_") }
        terminalEnvironment.merge(environment.variables) { _, new in new }
        let onTerminal = try await ChildProcess.run("/usr/bin/script", ["-qec", command, "/dev/null"], environment: terminalEnvironment)
        let screen = onTerminal.output.replacingOccurrences(of: "\r", with: "").split(separator: "\n").map(String.init)
        #expect(onTerminal.status == 0 && screen.contains("OK"), "\(onTerminal.output)")
        let repeated = Dictionary(grouping: screen, by: { $0 }).filter { $0.value.count > 1 }.keys
        #expect(repeated.isEmpty, "shown twice on a terminal: \(repeated.sorted())\n\(onTerminal.output)")
        for worker in [dispatch, ingest] {
            worker.terminate()
            #expect(try await worker.waitForExit() == .exited(0))
        }
    }
}
