import ArgumentParser
import KiamoTwitterAdmin

/// `kiamo-twitter subscriptions delete --id ID`.
struct SubscriptionsDeleteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete",
        abstract: "Remove an X Activity API subscription: X stops sending its events.",
        discussion: "Uses the app-only bearer token of the app's consumer key and secret."
    )

    @Option(help: ArgumentHelp("The subscription (`subscriptions list` shows the ids).", valueName: "id"))
    var id: String

    @OptionGroup var options: GlobalOptions

    func run() async throws {
        let id = self.id
        try await CommandRunner.run(options) { session in try await ActivitySubscriptionAdmin(session: session).delete(id: id) }
    }
}
