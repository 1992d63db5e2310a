import ArgumentParser
import KiamoTwitterAdmin

/// `kiamo-twitter webhooks validate [--id ID]`.
struct WebhooksValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Have X check the webhook now (a CRC); exit 1 when X finds it invalid.",
        discussion: "X marks a webhook invalid when a periodic check fails and delivers nothing to it until a check passes again."
    )

    @Option(help: ArgumentHelp("The webhook; by default the one at ingest.webhook.url, else the app's only one.", valueName: "id"))
    var id: String?

    @OptionGroup var options: GlobalOptions

    func run() async throws {
        let id = self.id
        try await CommandRunner.run(options) { session in try await WebhookAdmin(session: session).validate(id: id) }
    }
}
