import ArgumentParser
import KiamoTwitter
import KiamoTwitterAdmin

/// `kiamo-twitter dead-letters list`.
struct DeadLettersListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List dead letters with their reason (x-kiamo-error-code, x-kiamo-error-message, x-kiamo-attempts).",
        discussion: "Does not consume: each message is fetched with basic.get and manual acknowledgement, then handed back "
            + "(nack with requeue), so it stays in the queue, marked redelivered. While listed, they are briefly invisible to other consumers."
    )

    @Option(help: ArgumentHelp("The most messages shown.", valueName: "n"))
    var limit = 100

    @OptionGroup var options: GlobalOptions

    func run() async throws {
        let limit = self.limit
        try await CommandRunner.run(options) { session in try await DeadLetterQueue(session: session).list(limit: limit) }
    }
}
