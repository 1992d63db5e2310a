import ArgumentParser
import KiamoTwitter
import KiamoTwitterAdmin

/// `kiamo-twitter auth check`.
struct AuthCheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Ask X who the account's credentials belong to; for OAuth 2.0, show the stored token's version and expiry.",
        discussion: "Calls users/me (OAuth 2.0: with the stored token, refreshed through the shared store first if it expires "
            + "within api.tokenRefreshMargin). Fails when X refuses the credentials or they belong to another user."
    )

    @OptionGroup var options: GlobalOptions

    func run() async throws {
        let account = options.account
        try await CommandRunner.run(options) { session in
            try await CredentialCheck(session: session, account: try await session.account(account)).run()
        }
    }
}
