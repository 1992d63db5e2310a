import Foundation
import TestSupport

/// Environments for `kiamo-twitter` runs: the workers' variables (`WorkerProcess.environment`)
/// pointed at the test broker, an emulator, a fresh state file and an exchange of the test's own.
struct CLIEnvironment {
    var variables: [String: String]
    var stateFile: String
    var exchange: String

    /// Everything reachable: the test broker and `apiBaseURL`.
    static func live(apiBaseURL: String, oauth2: Bool = false) throws -> CLIEnvironment {
        let stateFile = try WorkerProcess.temporaryStateFile()
        let exchange = TestBroker.uniqueName("clitest")
        return CLIEnvironment(
            variables: WorkerProcess.environment(
                amqpURL: try TestBroker.url(), stateFile: stateFile, apiBaseURL: apiBaseURL,
                exchange: exchange, oauth2: oauth2, confidentialClient: oauth2),
            stateFile: stateFile, exchange: exchange)
    }

    /// X at `apiBaseURL` and no broker (a port where nothing listens): for the commands that
    /// talk to X only. `extra` adds variables (`KIAMO_TWITTER_WEBHOOK_URL`...).
    static func withoutBroker(apiBaseURL: String, extra: [String: String] = [:]) throws -> CLIEnvironment {
        let stateFile = try WorkerProcess.temporaryStateFile()
        return CLIEnvironment(
            variables: WorkerProcess.environment(
                amqpURL: "amqp://guest:guest@127.0.0.1:1/", stateFile: stateFile, apiBaseURL: apiBaseURL, exchange: "clitest", extra: extra),
            stateFile: stateFile, exchange: "clitest")
    }

    /// Nothing reachable: broker and X on a loopback port where nothing listens.
    static func offline(oauth2: Bool = false) throws -> CLIEnvironment {
        let stateFile = try WorkerProcess.temporaryStateFile()
        return CLIEnvironment(
            variables: WorkerProcess.environment(
                amqpURL: "amqp://guest:guest@127.0.0.1:1/", stateFile: stateFile,
                apiBaseURL: "http://127.0.0.1:1", exchange: "clitest", oauth2: oauth2),
            stateFile: stateFile, exchange: "clitest")
    }

    func run(_ arguments: [String], input: String? = nil, extra: [String: String] = [:], timeout: Duration = .seconds(30)) async throws -> CLIResult {
        try await CLIProcess.run(arguments, environment: variables.merging(extra) { _, new in new }, input: input, timeout: timeout)
    }

    func start(_ arguments: [String]) async throws -> CLIProcess {
        try await CLIProcess(arguments, environment: variables)
    }
}
