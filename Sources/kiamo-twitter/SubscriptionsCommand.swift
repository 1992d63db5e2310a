import ArgumentParser

/// `kiamo-twitter subscriptions list | create | delete`.
struct SubscriptionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "subscriptions",
        abstract: "The X Activity API subscriptions that send the accounts' DM events to the activity stream (ingest.mode stream) or a webhook.",
        subcommands: [SubscriptionsListCommand.self, SubscriptionsCreateCommand.self, SubscriptionsDeleteCommand.self]
    )
}
