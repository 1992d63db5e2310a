import Foundation
import Synchronization

/// A RabbitMQ of a test's own, for tests that stop, restart or otherwise disturb the broker:
/// the shared test broker serves every other suite running at the same time. Started with
/// `scripts/test-broker` (about 6 s) and always stopped by `stop()`. At most a few live at once
/// (`PrivateBrokerSlots`): a test that wants one waits for a slot first.
public final class PrivateBroker: Sendable {
    public let directory: String
    public let url: String
    /// Whether `stop()` has given the slot back (it may be called twice).
    private let released = Mutex(false)

    private init(directory: String, url: String) {
        self.directory = directory
        self.url = url
    }

    private static var script: String { PackagePaths.root.appendingPathComponent("scripts/test-broker").path }

    /// Starts a broker in a new temporary folder; throws with the broker's log when it does not
    /// start. The script runs off the cooperative pool: it takes seconds.
    public static func start() async throws -> PrivateBroker {
        await PrivateBrokerSlots.shared.acquire()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kiamo-broker-\(UUID().uuidString.prefix(8))").path
        do {
            let result = try await ChildProcess.run(script, ["start", directory])
            guard result.status == 0 else {
                throw ChildProcess.Failure(command: "scripts/test-broker start", status: result.status, output: result.output)
            }
            let environment = try String(contentsOfFile: directory + "/broker.env", encoding: .utf8)
            guard let line = environment.split(separator: "\n").first(where: { $0.hasPrefix("KIAMO_TEST_AMQP_URL=") }) else {
                throw ChildProcess.Failure(command: "scripts/test-broker start", status: 0, output: "no KIAMO_TEST_AMQP_URL in broker.env")
            }
            return PrivateBroker(directory: directory, url: String(line.dropFirst("KIAMO_TEST_AMQP_URL=".count)))
        } catch {
            _ = try? await ChildProcess.run(script, ["stop", directory])
            try? FileManager.default.removeItem(atPath: directory)
            await PrivateBrokerSlots.shared.release()
            throw error
        }
    }

    /// `rabbitmqctl` against this broker.
    @discardableResult
    public func ctl(_ arguments: String...) async throws -> String {
        try await ctl(arguments)
    }

    /// `rabbitmqctl` against this broker, the arguments as an array.
    @discardableResult
    public func ctl(_ arguments: [String]) async throws -> String {
        let result = try await ChildProcess.run(Self.script, ["ctl", directory] + arguments)
        guard result.status == 0 else {
            throw ChildProcess.Failure(command: "rabbitmqctl \(arguments.joined(separator: " "))", status: result.status, output: result.output)
        }
        return result.output
    }

    /// Stops the broker's application and starts it again (connections drop, durable queues and
    /// persistent messages stay).
    public func restartApp() async throws {
        try await ctl("stop_app")
        try await ctl("start_app")
    }

    /// Stops the broker and removes its files; safe to call twice.
    public func stop() async {
        _ = try? await ChildProcess.run(Self.script, ["stop", directory])
        try? FileManager.default.removeItem(atPath: directory)
        let first = released.withLock { released in
            defer { released = true }
            return !released
        }
        if first { await PrivateBrokerSlots.shared.release() }
    }
}

/// Runs `body` with a broker of its own, stopped afterwards whether `body` threw or not.
public func withPrivateBroker<T: Sendable>(_ body: (PrivateBroker) async throws -> T) async throws -> T {
    let broker = try await PrivateBroker.start()
    do {
        let result = try await body(broker)
        await broker.stop()
        return result
    } catch {
        await broker.stop()
        throw error
    }
}
