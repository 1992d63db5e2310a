import Foundation
import TestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// The built `kiamo-twitter` run as a process, configured by the environment only (the test
/// process's own `KIAMO_TWITTER_*` variables are left out), with standard output and error kept
/// apart and standard input writable (`auth login` reads the redirect URL from it).
final class CLIProcess: @unchecked Sendable {
    // `Process` is only touched through its thread-safe accessors once started.
    private let process = Process()
    private let input = Pipe()
    private let outFile: URL
    private let errFile: URL

    init(_ arguments: [String], environment: [String: String]) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiamo-cli-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        outFile = folder.appendingPathComponent("stdout")
        errFile = folder.appendingPathComponent("stderr")
        guard FileManager.default.createFile(atPath: outFile.path, contents: nil), FileManager.default.createFile(atPath: errFile.path, contents: nil) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: folder.path])
        }
        var base = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("KIAMO_TWITTER_") }
        base["KIAMO_TWITTER_CONFIG"] = ""
        process.executableURL = URL(fileURLWithPath: PackagePaths.executable("kiamo-twitter"))
        process.arguments = arguments
        process.environment = base.merging(environment) { _, given in given }
        process.standardInput = input
        process.standardOutput = try FileHandle(forWritingTo: outFile)
        process.standardError = try FileHandle(forWritingTo: errFile)
        try process.run()
    }

    deinit {
        if process.isRunning {
            _ = kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    /// Runs to completion with `input` (if any) on standard input, then end of input.
    static func run(
        _ arguments: [String], environment: [String: String], input: String? = nil,
        timeout: Duration = .seconds(30)
    ) async throws -> CLIResult {
        let process = try CLIProcess(arguments, environment: environment)
        if let input { process.write(input) }
        process.closeInput()
        return try await process.wait(timeout: timeout)
    }

    func write(_ text: String) {
        input.fileHandleForWriting.write(Data(text.utf8))
    }

    func closeInput() {
        try? input.fileHandleForWriting.close()
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
        try await eventually("kiamo-twitter \(process.arguments?.joined(separator: " ") ?? "") to exit", timeout: timeout, every: .milliseconds(10)) {
            !process.isRunning
        }
        return CLIResult(status: process.terminationStatus, stdout: stdout, stderr: stderr)
    }
}
