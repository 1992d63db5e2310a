import ChildProcesses
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A long-running child process a test starts, signals, and waits for: a worker, the emulator,
/// a probe. Its standard output and error go to a log file the test can read at any time.
///
/// Spawned through swift-subprocess (`SpawnedChild`: no descriptor of this process but the
/// standard streams reaches it; awaited off the cooperative pool). The child is always killed
/// (SIGKILL) when the `RunningProcess` is released, so a failing or throwing test never leaves
/// processes behind: keep it in a local `let` for the test's length.
public final class RunningProcess: Sendable {
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

        init(_ ending: SpawnedChild.Ending) {
            switch ending {
            case .exited(let code): self = .exited(code)
            case .signaled(let signal): self = .killed(by: signal)
            case .notStarted: self = .exited(-1)
            }
        }

        public var description: String { signaled ? "killed by signal \(status)" : "exited with \(status)" }
    }

    public let name: String
    /// Where the child's standard output and error go.
    public let logFile: URL
    private let child: SpawnedChild

    /// Starts `executable` with `arguments`; `environment` is added to this process's environment.
    /// `name` labels the log file and failure messages. Returns once the child runs.
    public init(name: String, executable: String, arguments: [String] = [], environment: [String: String] = [:]) async throws {
        self.name = name
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiamo-test-logs", isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        logFile = folder.appendingPathComponent("\(name)-\(UUID().uuidString.prefix(8)).log")
        let log = try SpawnedChild.file(logFile.path)
        child = try await SpawnedChild.start(
            executable, arguments: arguments, environment: SpawnedChild.environment(adding: environment),
            input: try SpawnedChild.null(), output: log, error: try log.duplicate())
    }

    deinit {
        child.send(SIGKILL)
    }

    public var pid: Int32 { child.pid }
    /// Whether the child runs still (or has ended and is about to be reaped).
    public var isRunning: Bool { child.isRunning }

    /// Asks the child to stop gracefully.
    public func terminate() { send(SIGTERM) }

    /// Kills the child at once, as a crash would.
    public func killNow() { send(SIGKILL) }

    /// Sends `signal` if the child still runs.
    public func send(_ signal: Int32) {
        child.send(signal)
    }

    /// Waits for the child to end, at most `timeout`.
    @discardableResult
    public func waitForExit(timeout: Duration = .seconds(10)) async throws -> Exit {
        try await eventuallyValue("\(name) (pid \(pid)) to exit", timeout: timeout, every: .milliseconds(5)) { child.ending.map(Exit.init) }
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
            guard !isRunning else { return nil }
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
