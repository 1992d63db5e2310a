import ArgumentParser
import KiamoTwitter
import KiamoTwitterAdmin

/// `kiamo-twitter setup`.
struct SetupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "setup",
        abstract: "Declare the AMQP topology (exchanges, queues, bindings) and create the state store.",
        discussion: "Idempotent, as the workers' own declaration at start: what exists with the same arguments is left alone. "
            + "A queue that exists with other arguments (another amqp.queueType) is reported, and must be deleted or the settings aligned."
    )

    @OptionGroup var options: GlobalOptions

    func run() async throws {
        try await CommandRunner.run(options) { session in try await TopologySetup(session: session).run() }
    }
}
