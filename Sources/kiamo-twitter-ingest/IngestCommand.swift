import ArgumentParser
import Foundation
import KiamoTwitter
import ServiceLifecycle
import WorkerRuntime
import XAPI

/// `kiamo-twitter-ingest`: reads each configured account's Direct Messages from X (polling, or
/// pushed by X's activity stream or a webhook with polls as reconciliation) and publishes them as
/// Kiamo messages to the `kiamo.twitter` exchange, persistent and broker-confirmed.
@main
struct IngestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kiamo-twitter-ingest",
        abstract: "Poll X (Twitter) Direct Messages and publish them to RabbitMQ as Kiamo messages.",
        discussion: """
            One active poller per account among replicas (a lease in the state store); the others stand by and \
            take over within a second when it exits or its process dies on this host, else within ingest.leaseTtl. \
            Each process holds at most its fair share of the accounts: ceil(accounts / live ingest processes). \
            The cursor moves only past messages the broker confirmed, after each chunk of 500. \
            SIGTERM finishes the batch's confirms, commits and exits 0.

            \(WorkerHelp.environment)
            """,
        version: KiamoTwitter.version
    )

    @OptionGroup var options: WorkerOptions

    func run() async throws {
        guard let configuration = try options.configurationToRun(role: "ingest") else { return }
        let code = await WorkerHost.run(role: "ingest", configuration: configuration) { context in
            let accounts = context.configuration.accounts.filter { context.clients[$0.userId] != nil }
            // Each process holds at most its fair share of the accounts' leases (several hosts).
            let keeper = LeaseShareKeeper(
                registry: context.state, leases: context.state, owner: context.owner, role: "ingest", accounts: accounts.count,
                ttl: context.configuration.ingest.leaseTTL, logger: context.logger)
            var engines: [any Service] = [keeper]
            // Customers' media, fetched into the media store and served to agents by link.
            let media = context.configuration.media.map {
                InboundMedia(settings: $0, clients: context.clients.mapValues { $0 as any XMediaDownloading }, logger: context.logger)
            }
            if let media {
                engines.append(media)
                if media.settings.port > 0 { engines.append(media.server()) }
            }
            var ingestEngines: [IngestEngine] = []
            for account in accounts {
                guard let client = context.clients[account.userId] else { continue }
                let channel = try await context.amqp.openChannel()
                ingestEngines.append(
                    IngestEngine(
                        account: account.userId, client: client, state: context.state, publisher: channel, topology: context.topology,
                        settings: IngestEngine.Settings(context.configuration),
                        senderNameTemplate: context.configuration.ingest.senderNameTemplate,
                        owner: context.owner, health: context.health, admission: keeper, media: media, logger: context.logger
                    ))
            }
            engines += ingestEngines as [any Service]
            switch context.configuration.ingest.mode {
            case .poll: break
            case .webhook:
                engines += try IngestPush.webhookServices(
                    configuration: context.configuration, engines: ingestEngines, clients: context.clients, transport: context.http, logger: context.logger)
            case .stream:
                engines += try IngestPush.streamServices(
                    configuration: context.configuration, engines: ingestEngines, clients: context.clients, state: context.state, owner: context.owner,
                    transport: context.http, logger: context.logger)
            }
            return engines
        }
        if code != 0 { throw ExitCode(code) }
    }
}
