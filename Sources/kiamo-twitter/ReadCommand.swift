import ArgumentParser
import KiamoTwitter
import KiamoTwitterAdmin

/// `kiamo-twitter read [--since ID] [--raw] [--commit]`.
struct ReadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "read",
        abstract: "Read the account's DMs from X and print the Kiamo messages they make (the original's readMessages).",
        discussion: "Without --since: the newest page. With --since ID: pages back (progress on standard error) until past that "
            + "event id, at most --max-pages. Nothing is written unless --commit: then the messages shown are recorded as read "
            + "in the inbound ledger and the cursor moves past the newest event, so the ingest worker will not publish them."
    )

    @Option(help: ArgumentHelp("Only events newer than this DM event id.", valueName: "event-id"))
    var since: String?

    @Flag(help: "Also print the events as X returned them (JSON always has them).")
    var raw = false

    @Flag(help: "Record the messages shown as read and move the cursor past them.")
    var commit = false

    @Option(help: ArgumentHelp("With --since: the most pages read.", valueName: "n"))
    var maxPages = 50

    @OptionGroup var options: GlobalOptions

    func run() async throws {
        let command = self
        try await CommandRunner.run(options) { session in
            let reader = MessageReader(session: session, account: try await session.account(command.options.account))
            var report = try await reader.run(
                since: command.since, maxPages: command.since == nil ? 1 : command.maxPages,
                commit: command.commit, progress: Output.progress)
            report.showRaw = command.raw
            return report
        }
    }
}
