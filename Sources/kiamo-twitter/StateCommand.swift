import ArgumentParser

/// `kiamo-twitter state show | export | clean-cache | migrate`.
struct StateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "state",
        abstract: "Inspect the shared state store: show it, export the original's debug files, clean the cache, move it to another backend.",
        subcommands: [StateShowCommand.self, StateExportCommand.self, StateCleanCacheCommand.self, StateMigrateCommand.self]
    )
}
