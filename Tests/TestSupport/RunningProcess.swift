import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A long-running child process a test starts, signals, and waits for: a worker, the emulator,
/// a probe. Its standard output and error go to a log file the test can read at any time.
///
/// The child is always killed (SIGKILL) when the `RunningProcess` is released, so a failing or
/// throwing test never leaves processes behind: keep it in a local `let` for the test's length.
public final class RunningProcess: @unchecked Sendable {
    /// How the child ended.
    public struct Exit: Sendable, Equatable, CustomStringConvertible {
        /// The exit status, or the signal number when `signaled`.
        public let status: Int32
        public let signaled: Bool

        public init(status: Int32, signaled: Bool) {
            self.status = status
            self.signaled = signaled
        }

        /// A normal exit with `status`.
        public static func exited(_ status: Int32) -> Exit { Exit(status: status, signaled: false) }
        /// An end by `signal` (SIGKILL, or SIGTERM left unhandled).
        public static func killed(by signal: Int32) -> Exit { Exit(status: signal, signaled: true) }

        public var description: String { signaled ? "killed by signal \(status)" : "exited with \(status)" }
    }

    public let name: String
    /// Where the child's standard output and error go.
    public let logFile: URL
    // `Process` is only touched through its thread-safe accessors (isRunning, processIdentifier,
    // termination status after exit); the class holds no other mutable state.
    private let process: Process
    private let log: FileHandle

    /// Starts `executable` with `arguments`; `environment` is added to this process's environment.
    /// `name` labels the log file and failure messages.
    public init(name: String, executable: String, arguments: [String] = [], environment: [String: String] = [:]) throws {
        self.name = name
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiamo-test-logs", isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        logFile = folder.appendingPathComponent("\(name)-\(UUID().uuidString.prefix(8)).log")
        guard FileManager.default.createFile(atPath: logFile.path, contents: nil) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: logFile.path])
        }
        log = try FileHandle(forWritingTo: logFile)
        process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, added in added }
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    deinit {
        if process.isRunning {
            _ = kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try? log.close()
    }

    public var pid: Int32 { process.processIdentifier }
    public var isRunning: Bool { process.isRunning }

    /// Asks the child to stop gracefully.
    public func terminate() { send(SIGTERM) }

    /// Kills the child at once, as a crash would.
    public func killNow() { send(SIGKILL) }

    /// Sends `signal` if the child still runs.
    public func send(_ signal: Int32) {
        if process.isRunning { _ = kill(process.processIdentifier, signal) }
    }

    /// Waits for the child to end, at most `timeout`.
    @discardableResult
    public func waitForExit(timeout: Duration = .seconds(10)) async throws -> Exit {
        try await eventually("\(name) (pid \(pid)) to exit", timeout: timeout, every: .milliseconds(5)) { !process.isRunning }
        return Exit(status: process.terminationStatus, signaled: process.terminationReason == .uncaughtSignal)
    }

    /// Everything the child wrote so far.
    public func output() -> String {
        (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
    }

    /// The output's complete lines so far (a line still being written is left out).
    public func lines() -> [String] {
        let text = output()
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines.removeLast() // after the last "\n": empty, or an incomplete line
        return lines
    }

    /// Waits for a complete output line containing `text` and returns it; fails early, with the
    /// output, if the child exits first.
    @discardableResult
    public func waitForLine(containing text: String, timeout: Duration = .seconds(10)) async throws -> String {
        try await eventuallyValue("\(name) to print '\(text)'", timeout: timeout, every: .milliseconds(5)) {
            if let line = lines().first(where: { $0.contains(text) }) { return line }
            guard !process.isRunning else { return nil }
            // Exited: read once more, the line may have landed just before the exit.
            if let line = lines().first(where: { $0.contains(text) }) { return line }
            throw ExitedEarly(name: name, output: output())
        }
    }

    /// The child exited while a test waited for it to print something.
    public struct ExitedEarly: Error, CustomStringConvertible {
        public let name: String
        public let output: String
        public var description: String { "\(name) exited before printing what the test waited for; output:\n\(output.suffix(3000))" }
    }
}
