import ArgumentParser

/// `kiamo-twitter auth check | refresh | login`.
struct AuthCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "auth",
        abstract: "Check, refresh or obtain the account's X credentials.",
        subcommands: [AuthCheckCommand.self, AuthRefreshCommand.self, AuthLoginCommand.self]
    )
}
