import Foundation
import TestSupport
import Testing

/// `resources.enabled` keeps the original's resource files up to date from the state, through
/// the debug export: `<service>.json`, `customers.json`, `conversations.json`, `cursors.json`,
/// 0600 in a 0700 folder whatever the umask, and never a token in clear.
@Suite("Resource files", .serialized)
struct ResourceFilesTests {
    @Test func theIngestWorkerWritesTheOriginalsResourceFiles() async throws {
        let emulator = try await EmulatorProcess.start()
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("kiamo-resources-\(UUID().uuidString.prefix(8))").path
        let folder = base + "/data/nested"
        let environment = WorkerProcess.environment(
            amqpURL: try TestBroker.url(), stateFile: try WorkerProcess.temporaryStateFile(), apiBaseURL: emulator.baseURL,
            exchange: TestBroker.uniqueName("resources"),
            extra: [
                "KIAMO_TWITTER_RESOURCES_ENABLED": "true", "KIAMO_TWITTER_RESOURCES_FOLDER": folder,
                "KIAMO_TWITTER_SERVICE": "TwitterConnector", "KIAMO_TWITTER_POLL_INTERVAL": "1s",
            ])
        let command = "umask 022; exec '\(PackagePaths.executable("kiamo-twitter-ingest"))'"
        let worker = try await RunningProcess(name: "ingest-resources", executable: "/bin/sh", arguments: ["-c", command], environment: environment)
        let names = ["TwitterConnector.json", "customers.json", "conversations.json", "cursors.json"]
        try await eventually("the resource files in \(folder)", timeout: .seconds(30), every: .milliseconds(100)) {
            names.allSatisfy { FileManager.default.fileExists(atPath: folder + "/" + $0) }
        }
        for name in names {
            let attributes = try FileManager.default.attributesOfItem(atPath: folder + "/" + name)
            #expect(attributes[.posixPermissions] as? Int == 0o600, "\(name)")
        }
        for path in [base + "/data", folder] {
            #expect(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int == 0o700, "\(path)")
        }
        let main = try Data(contentsOf: URL(fileURLWithPath: folder + "/TwitterConnector.json"))
        let object = try JSONSerialization.jsonObject(with: main) as? [String: Any]
        #expect(object?["exportedAt"] != nil && object?["cache"] != nil, "\(String(decoding: main, as: UTF8.self))")
        worker.terminate()
        #expect(try await worker.waitForExit(timeout: .seconds(30)) == .exited(0), "\(worker.output())")
        try await emulator.stop()
    }
}
