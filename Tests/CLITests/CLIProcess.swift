import ChildProcesses
import Foundation
import SystemPackage
import TestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// The built `kiamo-twitter` run as a process, configured by the environment only (the test
/// process's own `KIAMO_TWITTER_*` variables are left out), with standard output and error kept
/// apart and standard input writable (`auth login` reads the redirect URL from it).
final class CLIProcess: Sendable {
    private let child: SpawnedChild
    private let arguments: [String]
    /// The write end of the child's standard input (closed by `closeInput`).
    private let input: FileHandle
    private let outFile: URL
    private let errFile: URL

    init(_ arguments: [String], environment: [String: String]) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiamo-cli-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        outFile = folder.appendingPathComponent("stdout")
        errFile = folder.appendingPathComponent("stderr")
        var base = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("KIAMO_TWITTER_") }
        base["KIAMO_TWITTER_CONFIG"] = ""
        let pipe = try FileDescriptor.pipe()
        input = FileHandle(fileDescriptor: pipe.writeEnd.rawValue, closeOnDealloc: true)
        self.arguments = arguments
        child = try await SpawnedChild.start(
            PackagePaths.executable("kiamo-twitter"), arguments: arguments,
            environment: SpawnedChild.environment(only: base.merging(environment) { _, given in given }),
            input: pipe.readEnd, output: try SpawnedChild.file(outFile.path), error: try SpawnedChild.file(errFile.path))
    }

    deinit {
        child.send(SIGKILL)
    }

    /// Runs to completion with `input` (if any) on standard input, then end of input.
    static func run(
        _ arguments: [String], environment: [String: String], input: String? = nil,
        timeout: Duration = .seconds(30)
    ) async throws -> CLIResult {
        let process = try await CLIProcess(arguments, environment: environment)
        if let input { process.write(input) }
        process.closeInput()
        return try await process.wait(timeout: timeout)
    }

    func write(_ text: String) {
        input.write(Data(text.utf8))
    }

    func closeInput() {
        try? input.close()
    }

    var stdout: String { (try? String(contentsOf: outFile, encoding: .utf8)) ?? "" }
    var stderr: String { (try? String(contentsOf: errFile, encoding: .utf8)) ?? "" }

    /// Waits for a line of standard error containing `text`, and returns it.
    func waitForError(containing text: String, timeout: Duration = .seconds(20)) async throws -> String {
        try await eventuallyValue("kiamo-twitter to print '\(text)' on standard error", timeout: timeout, every: .milliseconds(10)) {
            stderr.split(separator: "\n").first { $0.contains(text) }.map(String.init)
        }
    }

    func wait(timeout: Duration = .seconds(30)) async throws -> CLIResult {
        let ending = try await eventuallyValue("kiamo-twitter \(arguments.joined(separator: " ")) to exit", timeout: timeout, every: .milliseconds(10)) {
            child.ending
        }
        return CLIResult(status: ending.shellStatus, stdout: stdout, stderr: stderr)
    }
}
