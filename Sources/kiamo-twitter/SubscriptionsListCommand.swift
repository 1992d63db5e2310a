import ArgumentParser
import KiamoTwitterAdmin

/// `kiamo-twitter subscriptions list`.
struct SubscriptionsListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "The app's X Activity API subscriptions: id, event, user, destination (the stream or a webhook).",
        discussion: "Uses the app-only bearer token of the app's consumer key and secret."
    )

    @OptionGroup var options: GlobalOptions

    func run() async throws {
        try await CommandRunner.run(options) { session in try await ActivitySubscriptionAdmin(session: session).list() }
    }
}
