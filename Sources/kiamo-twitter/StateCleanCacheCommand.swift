import ArgumentParser
import KiamoTwitter
import KiamoTwitterAdmin

/// `kiamo-twitter state clean-cache`.
struct StateCleanCacheCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clean-cache",
        abstract: "Delete the expired cache records (the original's cleanCache) of each account, or of --account.",
        discussion: "Like the workers' clean-ups, at most once per cache.checkEveryInSecs across every process: a clean-up "
            + "run less than that ago is reported as not due."
    )

    @OptionGroup var options: GlobalOptions

    func run() async throws {
        let account = options.account
        try await CommandRunner.run(options) { session in
            if let account { _ = try await session.account(account) }
            return try await StateInspection(session: session).cleanCache(account: account)
        }
    }
}
