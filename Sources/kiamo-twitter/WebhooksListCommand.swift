import ArgumentParser
import KiamoTwitterAdmin

/// `kiamo-twitter webhooks list`.
struct WebhooksListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "The app's webhooks: id, URL, whether X holds it valid (an invalid one gets nothing until `webhooks validate` passes)."
    )

    @OptionGroup var options: GlobalOptions

    func run() async throws {
        try await CommandRunner.run(options) { session in try await WebhookAdmin(session: session).list() }
    }
}
