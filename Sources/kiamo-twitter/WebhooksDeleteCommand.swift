import ArgumentParser
import KiamoTwitterAdmin

/// `kiamo-twitter webhooks delete --id ID`.
struct WebhooksDeleteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete",
        abstract: "Remove a webhook from X, and with it its subscriptions: X delivers nothing there any more."
    )

    @Option(help: ArgumentHelp("The webhook (`webhooks list` shows the ids).", valueName: "id"))
    var id: String

    @OptionGroup var options: GlobalOptions

    func run() async throws {
        let id = self.id
        try await CommandRunner.run(options) { session in try await WebhookAdmin(session: session).delete(id: id) }
    }
}
