import ArgumentParser
import KiamoTwitter
import KiamoTwitterAdmin
import Logging

/// `kiamo-twitter state migrate --from URL --to URL`.
struct StateMigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Copy the whole state (tokens, cursors, ledgers, leases, the cache) from one store to another, with the workers stopped.",
        discussion: "For example from the SQLite file of one host to the PostgreSQL database of a scaled deployment: "
            + "kiamo-twitter state migrate --from sqlite:///var/lib/kiamo-twitter/state.db --to postgres://kiamo@db/kiamo. "
            + "Refuses while a lease in the source is live (a worker is running) and when the target already holds records; "
            + "reads every record back from the target and compares it with the source. --from defaults to state.url."
    )

    @OptionGroup var options: GlobalOptions

    @Option(name: .long, help: ArgumentHelp("The state URL to copy from (default: the configured state.url).", valueName: "url"))
    var from: String?

    @Option(name: .long, help: ArgumentHelp("The state URL to copy into; it must hold no records.", valueName: "url"))
    var to: String

    func run() async throws {
        let from = self.from
        let to = self.to
        try await CommandRunner.run(options) { session in
            try await StateMigration(logger: Logger(label: "kiamo.cli"))
                .migrate(from: from ?? session.configuration.state.url.reveal(), to: to)
        }
    }
}
