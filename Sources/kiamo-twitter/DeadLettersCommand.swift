import ArgumentParser

/// `kiamo-twitter dead-letters list | replay`.
struct DeadLettersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dead-letters",
        abstract: "List or replay the send commands the dispatch worker dead-lettered (<exchange>.send.dead).",
        subcommands: [DeadLettersListCommand.self, DeadLettersReplayCommand.self]
    )
}
