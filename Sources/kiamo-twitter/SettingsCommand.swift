import ArgumentParser
import WorkerRuntime

/// `kiamo-twitter settings`: every setting, apart from the root help so that help shows the
/// commands first.
struct SettingsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "settings",
        abstract: "List every setting: file key, environment variable, default (README.md, \"Configuration\").",
        discussion: "The same settings as the workers (`kiamo-twitter-ingest --help`); the variables override the file."
    )

    func run() throws {
        print(WorkerHelp.environment)
    }
}
