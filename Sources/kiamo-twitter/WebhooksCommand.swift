import ArgumentParser

/// `kiamo-twitter webhooks register | list | validate | delete | replay | subscribe`.
struct WebhooksCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "webhooks",
        abstract: "The app's webhooks at X (ingest.mode webhook): register, list, have X check, delete, replay, subscribe the accounts.",
        discussion: "Every call but `subscribe` uses the app-only bearer token of the app's consumer key and secret (api.consumerKey, "
            + "api.consumerSecret, or the first OAuth 1.0a account's); `subscribe` uses each account's own credentials, as X requires the "
            + "user's consent. Without --id, a command acts on the webhook at ingest.webhook.url, else on the app's only webhook.",
        subcommands: [
            WebhooksRegisterCommand.self, WebhooksListCommand.self, WebhooksValidateCommand.self, WebhooksDeleteCommand.self,
            WebhooksReplayCommand.self, WebhooksSubscribeCommand.self,
        ]
    )
}
