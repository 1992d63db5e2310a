import ArgumentParser
import KiamoTwitterAdmin

/// `kiamo-twitter subscriptions create [--event dm.received] [--webhook-id ID]`.
struct SubscriptionsCreateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Subscribe the event of every configured account (or --account), to the activity stream or to --webhook-id.",
        discussion: "Each account subscribes with its own credentials (filter.user_id the account; X requires the user's consent). "
            + "Safe to run again: the existing subscriptions are listed first and only the missing ones are created."
    )

    @Option(help: ArgumentHelp("The X Activity API event type.", valueName: "type"))
    var event = "dm.received"

    @Option(name: .customLong("webhook-id"), help: ArgumentHelp("Deliver to this webhook instead of the activity stream.", valueName: "id"))
    var webhookId: String?

    @OptionGroup var options: GlobalOptions

    func run() async throws {
        let (event, webhookId, account) = (self.event, self.webhookId, options.account)
        try await CommandRunner.run(options) { session in
            try await ActivitySubscriptionAdmin(session: session).create(eventType: event, webhookId: webhookId, account: account)
        }
    }
}
