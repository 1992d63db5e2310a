import Foundation

/// The private RabbitMQ that `scripts/test` starts for the test run.
///
/// Tests that need it call `TestBroker.url()`, which throws when the test command did not start
/// one: such a test fails loudly instead of skipping.
public enum TestBroker {
    public struct Missing: Error, CustomStringConvertible {
        public var description: String {
            "no test broker: KIAMO_TEST_AMQP_URL is not set. Run the tests through scripts/test, "
                + "or start one with scripts/test-broker start DIR and export KIAMO_TEST_AMQP_URL and KIAMO_TEST_BROKER_DIR."
        }
    }

    /// `amqp://guest:guest@127.0.0.1:PORT/` of the private broker.
    public static func url() throws -> String {
        guard let url = ProcessInfo.processInfo.environment["KIAMO_TEST_AMQP_URL"], !url.isEmpty else {
            throw Missing()
        }
        return url
    }

    /// The folder `scripts/test-broker` keeps the broker's files in.
    public static func directory() throws -> String {
        guard let dir = ProcessInfo.processInfo.environment["KIAMO_TEST_BROKER_DIR"], !dir.isEmpty else {
            throw Missing()
        }
        return dir
    }

    /// Runs `rabbitmqctl` against the private broker and returns its standard output; off the
    /// cooperative pool (it takes a second or two).
    @discardableResult
    public static func ctl(_ arguments: String...) async throws -> String {
        try await ctl(arguments)
    }

    @discardableResult
    public static func ctl(_ arguments: [String]) async throws -> String {
        let result = try await ChildProcess.run(
            PackagePaths.root.appendingPathComponent("scripts/test-broker").path,
            ["ctl", try directory()] + arguments
        )
        guard result.status == 0 else {
            throw ChildProcess.Failure(command: "rabbitmqctl \(arguments.joined(separator: " "))", status: result.status, output: result.output)
        }
        return result.output
    }

    /// A queue or exchange name no other test uses.
    public static func uniqueName(_ prefix: String) -> String {
        "\(prefix).\(UUID().uuidString.prefix(8).lowercased())"
    }
}
