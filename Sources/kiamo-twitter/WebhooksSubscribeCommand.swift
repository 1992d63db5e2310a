import ArgumentParser
import KiamoTwitterAdmin

/// `kiamo-twitter webhooks subscribe [--id ID]`.
struct WebhooksSubscribeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "subscribe",
        abstract: "Subscribe every configured account (or --account) to the webhook: X then delivers its DMs there (Account Activity API).",
        discussion: "Each account subscribes with its own credentials (user context): X requires the user's consent. Subscribing "
            + "again changes nothing. X subscribes only to a valid webhook."
    )

    @Option(help: ArgumentHelp("The webhook; by default the one at ingest.webhook.url, else the app's only one.", valueName: "id"))
    var id: String?

    @OptionGroup var options: GlobalOptions

    func run() async throws {
        let (id, account) = (self.id, options.account)
        try await CommandRunner.run(options) { session in try await WebhookAdmin(session: session).subscribe(id: id, account: account) }
    }
}
