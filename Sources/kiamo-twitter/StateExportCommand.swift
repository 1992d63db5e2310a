import ArgumentParser
import KiamoTwitter
import KiamoTwitterAdmin

/// `kiamo-twitter state export --dir D`.
struct StateExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the original's resource files from the state: <service>.json, customers.json, conversations.json, cursors.json.",
        discussion: "For debugging; the state store stays the truth. Tokens are masked. The folder is created when missing."
    )

    @Option(help: ArgumentHelp("Folder to write the files into.", valueName: "path"))
    var dir: String

    @OptionGroup var options: GlobalOptions

    func run() async throws {
        let folder = dir
        try await CommandRunner.run(options) { session in try await StateInspection(session: session).export(to: folder) }
    }
}
