import ArgumentParser
import KiamoTwitter
import KiamoTwitterAdmin

/// `kiamo-twitter status`.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Queue depths and consumers; per account: cursor lag, ingest poller, token expiry, rate-limit budgets.",
        discussion: "Queues are probed with passive declares (nothing is created); the state store is only read. "
            + "Every configured account, or --account."
    )

    @OptionGroup var options: GlobalOptions

    func run() async throws {
        let account = options.account
        try await CommandRunner.run(options) { session in
            if let account { _ = try await session.account(account) }
            return try await StatusProbe(session: session).run(account: account)
        }
    }
}
