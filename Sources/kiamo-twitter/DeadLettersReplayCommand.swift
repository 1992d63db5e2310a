import ArgumentParser
import KiamoTwitter

/// `kiamo-twitter dead-letters replay [--id ID]`.
struct DeadLettersReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Put dead letters back on the send routing: every one, or the one with --id.",
        discussion: "Each is republished to the main exchange with routing key send.<account> (its failure headers dropped, so "
            + "the dispatch worker counts attempts afresh), confirmed by the broker, and only then acknowledged in the dead-letter "
            + "queue; the others are handed back. Progress goes to standard error. A failure stops the replay and leaves the rest in place."
    )

    @Option(help: ArgumentHelp("The command id (body `id`) or AMQP message id to replay.", valueName: "id"))
    var id: String?

    @Option(help: ArgumentHelp("The most messages looked at.", valueName: "n"))
    var limit = 1000

    @OptionGroup var options: GlobalOptions

    func run() async throws {
        let id = self.id
        let limit = self.limit
        try await CommandRunner.run(options) { session in
            try await DeadLetterQueue(session: session).replay(id: id, limit: limit, progress: Output.progress)
        }
    }
}
