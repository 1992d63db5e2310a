import Foundation
import TestSupport
import Testing

/// What processes say at start about their own security: the workers warn when TLS to the broker
/// is not verified; the emulator never prints a credential it was given.
@Suite("Start-up warnings and disclosures")
struct StartUpDisclosureTests {
    @Test func aWorkerWarnsAtStartWhenTLSToTheBrokerIsNotVerified() async throws {
        let environment = WorkerProcess.environment(
            amqpURL: "amqps://kiamo:pw@127.0.0.1:1/?verify=verify_none", stateFile: try WorkerProcess.temporaryStateFile(),
            apiBaseURL: "http://127.0.0.1:1", exchange: "tls-warning", extra: ["KIAMO_TWITTER_LOG_LEVEL": "warning"])
        let worker = try await RunningProcess(name: "ingest-verify-none", executable: PackagePaths.executable("kiamo-twitter-ingest"), environment: environment)
        let line = try await worker.waitForLine(containing: "verify=verify_none", timeout: .seconds(60))
        #expect(line.contains("warning") && line.contains("cacertfile"), "\(line)")
        // The unreachable broker is retried; the warning is said once, not at every attempt.
        _ = try await worker.waitForLine(containing: "broker unreachable", timeout: .seconds(60))
        worker.terminate()
        _ = try await worker.waitForExit(timeout: .seconds(30))
        #expect(worker.lines().filter { $0.contains("verify=verify_none") }.count == 1, "\(worker.output())")
    }

    @Test func aVerifiedTLSURLGivesNoWarning() async throws {
        let environment = WorkerProcess.environment(
            amqpURL: "amqps://kiamo:pw@127.0.0.1:1/", stateFile: try WorkerProcess.temporaryStateFile(),
            apiBaseURL: "http://127.0.0.1:1", exchange: "tls-warning", extra: ["KIAMO_TWITTER_LOG_LEVEL": "warning"])
        let worker = try await RunningProcess(name: "ingest-verify-peer", executable: PackagePaths.executable("kiamo-twitter-ingest"), environment: environment)
        _ = try await worker.waitForLine(containing: "broker unreachable", timeout: .seconds(60))
        worker.terminate()
        _ = try await worker.waitForExit(timeout: .seconds(30))
        #expect(!worker.output().contains("verify_none"), "\(worker.output())")
    }

    @Test func theEmulatorNeverPrintsACredentialItWasGiven() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiamo-emu-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let secretFile = folder.appendingPathComponent("client_secret").path
        try "Qzv-client-secret-from-file\n".write(toFile: secretFile, atomically: true, encoding: .utf8)
        let given = ["Qzv-consumer-key", "Qzv-consumer-secret", "Qzv-access-token", "Qzv-token-secret", "Qzv-refresh", "Qzv-client-secret-from-file"]
        let emulator = try await RunningProcess(
            name: "x-emulator-secrets", executable: PackagePaths.executable("x-emulator"),
            environment: [
                "X_EMULATOR_PORT": "0",
                "X_EMULATOR_CONSUMER_KEY": given[0], "X_EMULATOR_CONSUMER_SECRET": given[1], "X_EMULATOR_ACCESS_TOKEN": given[2],
                "X_EMULATOR_ACCESS_TOKEN_SECRET": given[3], "X_EMULATOR_REFRESH_TOKEN": given[4], "X_EMULATOR_CLIENT_SECRET_FILE": secretFile,
            ])
        let banner = try await emulator.waitForLine(containing: "listening on", timeout: .seconds(60))
        emulator.terminate()
        _ = try await emulator.waitForExit(timeout: .seconds(30))
        #expect(!emulator.output().contains("Qzv"), "the emulator printed a credential it was given: \(emulator.output())")
        #expect(banner.contains("consumer secret ****"), "\(banner)")
    }

    @Test func theEmulatorStillPrintsItsBuiltInTestCredentials() async throws {
        let emulator = try await RunningProcess(name: "x-emulator-defaults", executable: PackagePaths.executable("x-emulator"), environment: ["X_EMULATOR_PORT": "0"])
        let banner = try await emulator.waitForLine(containing: "listening on", timeout: .seconds(60))
        emulator.terminate()
        _ = try await emulator.waitForExit(timeout: .seconds(30))
        #expect(banner.contains("consumer secret emulator-consumer-secret"), "\(banner)")
    }
}
