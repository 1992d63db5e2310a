import Foundation

/// `x-emulator` running as its own OS process (the built product), as compose and the workers'
/// end-to-end tests use it. It prints one line with its URL; `start` waits for it.
public final class EmulatorProcess: Sendable {
    /// The child process (signal it, wait for it, read its output).
    public let process: RunningProcess
    /// `http://127.0.0.1:PORT`.
    public let baseURL: String

    private init(process: RunningProcess, baseURL: String) {
        self.process = process
        self.baseURL = baseURL
    }

    /// Starts `x-emulator --port 0` with the test credentials of `TestEmulator.Credentials` plus
    /// `arguments` (later flags win), and returns once it listens.
    public static func start(arguments: [String] = [], environment: [String: String] = [:]) async throws -> EmulatorProcess {
        typealias C = TestEmulator.Credentials
        let defaults = [
            "--port", "0", "--account-id", C.accountID, "--account-username", C.accountUsername,
            "--consumer-key", C.consumerKey, "--consumer-secret", C.consumerSecret,
            "--access-token", C.accessToken, "--access-token-secret", C.accessTokenSecret,
            "--client-id", C.clientID, "--refresh-token", C.refreshToken,
        ]
        let process = try await RunningProcess(
            name: "x-emulator", executable: PackagePaths.executable("x-emulator"),
            arguments: defaults + arguments, environment: environment)
        let line = try await process.waitForLine(containing: "listening on http://")
        guard let range = line.range(of: #"http://[^ ]+"#, options: .regularExpression) else {
            throw RunningProcess.ExitedEarly(name: "x-emulator", output: line)
        }
        return EmulatorProcess(process: process, baseURL: String(line[range]))
    }

    /// Asks it to stop (SIGTERM) and waits for its exit.
    @discardableResult
    public func stop() async throws -> RunningProcess.Exit {
        process.terminate()
        return try await process.waitForExit()
    }
}
