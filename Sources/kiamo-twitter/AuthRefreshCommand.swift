import ArgumentParser
import KiamoTwitter
import KiamoTwitterAdmin

/// `kiamo-twitter auth refresh`.
struct AuthRefreshCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "refresh",
        abstract: "Refresh the account's OAuth 2.0 token pair now.",
        discussion: "Goes through the same single-flight refresh as the workers (a lease in the state store), so a worker "
            + "refreshing at the same moment never uses the rotating refresh token twice. The new pair is stored as the next version."
    )

    @OptionGroup var options: GlobalOptions

    func run() async throws {
        let account = options.account
        try await CommandRunner.run(options) { session in
            try await TokenRefresh(session: session, account: try await session.account(account)).run()
        }
    }
}
