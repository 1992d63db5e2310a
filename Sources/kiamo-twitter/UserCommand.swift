import ArgumentParser
import KiamoTwitter
import KiamoTwitterAdmin

/// `kiamo-twitter user [--id ID | --username NAME]`.
struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user",
        abstract: "Look a user up on X: the account itself (default), or by --id or --username.",
        discussion: "Prints the user and its user record, the original's buildUserRecord (`name@username` by default, "
            + "ingest.senderNameTemplate): the senderName Kiamo shows for this user's messages."
    )

    @Option(help: ArgumentHelp("Numeric X user id.", valueName: "user-id"))
    var id: String?

    @Option(help: ArgumentHelp("Username, with or without @.", valueName: "name"))
    var username: String?

    @OptionGroup var options: GlobalOptions

    func validate() throws {
        if id != nil, username != nil { throw ValidationError("give --id or --username, not both") }
    }

    func run() async throws {
        let target: UserLookup.Target = id.map { .id($0) } ?? username.map { .username($0) } ?? .me
        let account = options.account
        try await CommandRunner.run(options) { session in
            try await UserLookup(session: session, account: try await session.account(account)).run(target)
        }
    }
}
