import ArgumentParser
import KiamoTwitter
import KiamoTwitterAdmin

/// `kiamo-twitter state show`.
struct StateShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show each account's cursor, token (masked) and cache counts.",
        discussion: "Reads only; a state file that does not exist is an error (nothing is created)."
    )

    @OptionGroup var options: GlobalOptions

    func run() async throws {
        try await CommandRunner.run(options) { session in try await StateInspection(session: session).show() }
    }
}
