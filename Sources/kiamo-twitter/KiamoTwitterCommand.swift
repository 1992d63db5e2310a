import ArgumentParser
import KiamoTwitter
import WorkerRuntime

/// The root command: its help names every subcommand, the exit codes and every setting.
struct KiamoTwitterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kiamo-twitter",
        abstract: "Test and administer kiamo-twitter: numbered tests, X credentials, messages, the broker and the shared state.",
        discussion: """
            Each step of the connector alone, as the original Kiamo sample's tester did (`php <Connector>.php -f --test=NN` \
            is `kiamo-twitter test --test=NN`), and the operations an administrator needs around the two workers.

            Every command reads the workers' configuration: --config FILE (or KIAMO_TWITTER_CONFIG) and the KIAMO_TWITTER_* \
            environment variables, which override the file. --json prints one JSON document on standard output instead of text; \
            errors always go to standard error, as one line. Secrets are never printed (`request --show-secrets` excepted).

            Exit codes: 0 success; 1 the operation failed (X, the broker or the state store refused or was unreachable; \
            a numbered test FAILED); 2 a wrong command line or configuration. Every setting: `kiamo-twitter settings`.
            """,
        version: KiamoTwitter.version,
        subcommands: [
            TestCommand.self, AuthCommand.self, UserCommand.self, RequestCommand.self, ReadCommand.self, SendDMCommand.self,
            MapCommand.self, EndToEndCommand.self, SetupCommand.self, StateCommand.self, DeadLettersCommand.self, StatusCommand.self,
            WebhooksCommand.self, SubscriptionsCommand.self, SettingsCommand.self,
        ]
    )
}
