import Foundation
import TestSupport
import Testing

/// One state-store opener: the workers and `kiamo-twitter` tell the same bad `state.url` in the
/// same words and with the same exit code (2, a configuration error), and a store that cannot be
/// opened the same way too (1).
@Suite struct StateURLFailureTests {
    static func environment(stateURL: String) throws -> [String: String] {
        WorkerProcess.environment(
            amqpURL: "amqp://guest:guest@127.0.0.1:1/", stateFile: try WorkerProcess.temporaryStateFile(),
            apiBaseURL: "http://127.0.0.1:1", exchange: "state-url",
            extra: ["KIAMO_TWITTER_STATE_URL": stateURL, "KIAMO_TWITTER_LOG_LEVEL": "error"])
    }

    static func workerLine(_ executable: String, environment: [String: String]) async throws -> (RunningProcess.Exit, String?) {
        let process = try await RunningProcess(
            name: executable, executable: PackagePaths.executable(executable), arguments: [],
            environment: environment)
        let exit = try await process.waitForExit(timeout: .seconds(60))
        let line = process.output().split(separator: "\n").map(String.init).first { $0.contains("state.url (KIAMO_TWITTER_STATE_URL)") }
        return (exit, line)
    }

    @Test(arguments: [
        ("mysql://kiamo:secret@db/x", Int32(2), "state.url (KIAMO_TWITTER_STATE_URL): "),
        ("sqlite:///proc/no-such-folder/state.db", Int32(1), "state store (state.url (KIAMO_TWITTER_STATE_URL)): "),
    ])
    func theWorkersAndTheAdminToolTellOneFailureAlike(url: String, exitCode: Int32, prefix: String) async throws {
        let environment = try Self.environment(stateURL: url)
        let cli = try await CLIProcess.run(["setup"], environment: environment)
        #expect(cli.status == exitCode, "\(cli)")
        let told = try #require(cli.errorLines.first { $0.contains(prefix) }, "\(cli)")
        let reason = String(told[told.range(of: prefix)!.upperBound...])
        #expect(!told.contains("secret"))
        for executable in ["kiamo-twitter-ingest", "kiamo-twitter-dispatch"] {
            let (exit, line) = try await Self.workerLine(executable, environment: environment)
            #expect(exit == .exited(exitCode), "\(executable)")
            let workerLine = try #require(line, "\(executable) did not name state.url")
            #expect(workerLine.contains(prefix + reason), "\(executable): \(workerLine) / kiamo-twitter: \(told)")
            #expect(!workerLine.contains("secret"))
        }
    }
}
