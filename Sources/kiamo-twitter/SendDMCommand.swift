import ArgumentParser
import KiamoTwitter
import KiamoTwitterAdmin

/// `kiamo-twitter send --to ID --text TEXT`.
struct SendDMCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send",
        abstract: "Send a DM directly through X (not the queue), as the original's sendMessage; prints its DM event id.",
        discussion: "Bypasses the dispatch worker and its send ledger: every run posts a DM. To test the queue path use `e2e`."
    )

    @Option(help: ArgumentHelp("The recipient's numeric X user id.", valueName: "user-id"))
    var to: String

    @Option(help: "The text (1 to 10,000 characters).")
    var text: String

    @OptionGroup var options: GlobalOptions

    func run() async throws {
        let command = self
        try await CommandRunner.run(options) { session in
            try await DirectSend(session: session, account: try await session.account(command.options.account)).run(to: command.to, text: command.text)
        }
    }
}
