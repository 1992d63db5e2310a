import ArgumentParser
import KiamoTwitterAdmin

/// `kiamo-twitter webhooks register [--url URL]`.
struct WebhooksRegisterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "register",
        abstract: "Register the webhook URL with X (X checks it with a CRC first); a URL X already has is shown as it is.",
        discussion: "The URL must reach the ingest worker's webhook endpoint (ingest.mode webhook, ingest.webhook.path) through the "
            + "public https address X calls, without a port: X sends GET ?crc_token=... and registers the URL only when the answer is right."
    )

    @Option(help: ArgumentHelp("The public URL X calls; ingest.webhook.url (KIAMO_TWITTER_WEBHOOK_URL) by default.", valueName: "url"))
    var url: String?

    @OptionGroup var options: GlobalOptions

    func run() async throws {
        let url = self.url
        try await CommandRunner.run(options) { session in try await WebhookAdmin(session: session).register(url: url) }
    }
}
