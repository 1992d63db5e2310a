import ArgumentParser
import KiamoTwitter
import KiamoTwitterAdmin

/// `kiamo-twitter e2e`.
struct EndToEndCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "e2e",
        abstract: "Check the whole path through the running workers (numbered test 07).",
        discussion: """
            Against the emulator (api.baseUrl not X's): a new customer sends the account a DM; its Kiamo message must come \
            from the ingest worker; a send command replies; the dispatch worker must post the DM (the emulator lists it) and \
            publish its `sent` report. Against X: a send command to the account itself and its report. Messages are watched \
            through a private queue, so nothing is taken from Kiamo's queues. Progress goes to standard error.
            """
    )

    @Option(help: ArgumentHelp("Seconds to wait for each message.", valueName: "seconds"))
    var timeout = 60

    @OptionGroup var options: GlobalOptions

    func validate() throws {
        guard timeout > 0 else { throw ValidationError("--timeout must be a positive number of seconds") }
    }

    func run() async throws {
        let command = self
        try await CommandRunner.run(options) { session in
            let account = try await session.account(command.options.account)
            return try await EndToEndCheck(session: session, account: account, timeout: .seconds(command.timeout)).run(progress: Output.progress)
        }
    }
}
