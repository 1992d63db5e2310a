import ArgumentParser
import KiamoTwitter
import KiamoTwitterAdmin

/// `kiamo-twitter dead-letters replay --id ID | --all [--dry-run]`.
struct DeadLettersReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Put dead letters back on the send routing: the one with --id, or every one with --all.",
        discussion: "Each is republished to the main exchange with routing key send.<account> (its failure headers dropped, so "
            + "the dispatch worker counts attempts afresh), confirmed by the broker, and only then acknowledged in the dead-letter "
            + "queue; the others are handed back. Progress goes to standard error. A failure stops the replay and leaves the rest in place. --dry-run shows what would be replayed and moves nothing."
    )

    @Option(help: ArgumentHelp("The command id (body `id`) or AMQP message id to replay.", valueName: "id"))
    var id: String?

    @Flag(help: "Replay every dead letter (up to --limit): required without --id, so that no one replays them all by mistake.")
    var all = false

    @Flag(name: .customLong("dry-run"), help: "Show what would be replayed; move nothing.")
    var dryRun = false

    @Option(help: ArgumentHelp("The most messages looked at.", valueName: "n"))
    var limit = 1000

    @OptionGroup var options: GlobalOptions

    func validate() throws {
        if id != nil, all { throw ValidationError("give --id ID or --all, not both") }
        if id == nil, !all {
            throw ValidationError("give --id ID to replay one dead letter, or --all to replay every one (add --dry-run to see them first)")
        }
    }

    func run() async throws {
        let id = self.id
        let limit = self.limit
        let dryRun = self.dryRun
        try await CommandRunner.run(options) { session in
            try await DeadLetterQueue(session: session).replay(id: id, limit: limit, dryRun: dryRun, progress: Output.progress)
        }
    }
}
