import Foundation
import TestSupport
import Testing

/// The state file (OAuth tokens in plain text), its `-wal` and `-shm`, the daily log files and
/// `state export` files are 0600 and the folders the programs create 0700, whatever the umask the
/// programs were started with. Each program runs under `sh -c 'umask U; exec ...'`: the umask is
/// process-wide, so the test process's own is left alone.
@Suite("Private file modes whatever the umask", .serialized)
struct FileModeTests {
    static func mode(_ path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return try #require(attributes[.posixPermissions] as? Int, "no mode for \(path)")
    }

    static func expectMode(_ path: String, _ expected: Int, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let actual = try mode(path)
        #expect(actual == expected, "\(path) is \(String(actual, radix: 8)), not \(String(expected, radix: 8))", sourceLocation: sourceLocation)
    }

    static func underUmask(_ umask: String, _ executable: String, _ arguments: [String] = []) -> [String] {
        let command = (["exec", PackagePaths.executable(executable)] + arguments).map { "'\($0)'" }.joined(separator: " ")
        return ["-c", "umask \(umask); \(command)"]
    }

    @Test(arguments: ["022", "000"])
    func stateLogAndExportFilesArePrivate(umask: String) async throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("kiamo-modes-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        let stateFile = base + "/state.db"
        let logFolder = base + "/logs/nested"
        let environment = WorkerProcess.environment(
            amqpURL: try TestBroker.url(), stateFile: stateFile, apiBaseURL: "http://127.0.0.1:1", exchange: TestBroker.uniqueName("modes"),
            extra: ["KIAMO_TWITTER_LOG_FILES_ENABLED": "true", "KIAMO_TWITTER_LOG_FILES_FOLDER": logFolder])

        // X unreachable: the worker has its state open and logs, and retries the credential check.
        let worker = try await RunningProcess(
            name: "ingest-umask-\(umask)", executable: "/bin/sh",
            arguments: Self.underUmask(umask, "kiamo-twitter-ingest"), environment: environment)
        _ = try await worker.waitForLine(containing: "cannot check account", timeout: .seconds(60))
        for file in [stateFile, stateFile + "-wal", stateFile + "-shm"] { try Self.expectMode(file, 0o600) }
        try Self.expectMode(base + "/logs", 0o700)
        try Self.expectMode(logFolder, 0o700)
        let logs = try FileManager.default.contentsOfDirectory(atPath: logFolder)
        #expect(logs.count == 1, "\(logs)")
        for log in logs { try Self.expectMode(logFolder + "/" + log, 0o600) }

        let exportFolder = base + "/export/data"
        let export = try await RunningProcess(
            name: "export-umask-\(umask)", executable: "/bin/sh",
            arguments: Self.underUmask(umask, "kiamo-twitter", ["state", "export", "--dir", exportFolder]),
            environment: environment.merging(["KIAMO_TWITTER_LOG_FILES_ENABLED": "false"]) { $1 })
        #expect(try await export.waitForExit(timeout: .seconds(60)) == .exited(0), "\(export.output())")
        try Self.expectMode(base + "/export", 0o700)
        try Self.expectMode(exportFolder, 0o700)
        let exported = try FileManager.default.contentsOfDirectory(atPath: exportFolder)
        #expect(Set(exported) == ["kiamo-twitter.json", "customers.json", "conversations.json", "cursors.json"], "\(exported)")
        for file in exported { try Self.expectMode(exportFolder + "/" + file, 0o600) }

        worker.terminate()
        #expect(try await worker.waitForExit(timeout: .seconds(30)) == .exited(0), "\(worker.output())")
    }
}
