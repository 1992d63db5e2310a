import ArgumentParser
import Foundation
import KiamoTwitter
import ServiceLifecycle
import WorkerRuntime
import XAPI

/// `kiamo-twitter-dispatch`: consumes Kiamo's send commands from `kiamo.twitter.send` and posts
/// each one as an X Direct Message exactly once, with retries, dead letters and delivery reports.
@main
struct DispatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kiamo-twitter-dispatch",
        abstract: "Consume send commands from RabbitMQ and post them as X (Twitter) Direct Messages.",
        discussion: """
            Each command is claimed in the shared send ledger before it is posted and recorded sent before it is \
            acknowledged, so a redelivery never posts a second DM; any number of replicas may run. Transient X \
            failures go round the retry queues; permanent ones are dead-lettered with a failed report. SIGTERM stops \
            consuming, finishes the sends in flight, hands the rest back and exits 0.

            \(WorkerHelp.environment)
            """,
        version: KiamoTwitter.version
    )

    @OptionGroup var options: WorkerOptions

    func run() async throws {
        guard let configuration = try options.configurationToRun(role: "dispatch") else { return }
        let code = await WorkerHost.run(role: "dispatch", configuration: configuration) { context in
            let configuration = context.configuration
            if configuration.dispatch.staleClaim <= configuration.api.timeout {
                context.logger.warning(
                    """
                    dispatch.staleClaim (\(DurationText.format(configuration.dispatch.staleClaim))) is not longer than api.timeout \
                    (\(DurationText.format(configuration.api.timeout))): a post still waiting for X could be taken over by another worker; \
                    make the stale-claim timeout a few times the request timeout
                    """)
            }
            let settings = DispatchSettings(configuration)
            let consumeChannel = try await context.amqp.openChannel()
            let publishChannel = try await context.amqp.openChannel()
            let testFault = DispatchTestFault.fromEnvironment()
            let dispatcher = CommandDispatcher(
                clients: context.clients.mapValues { $0 as any XDirectMessageClient },
                state: context.state, publisher: publishChannel, topology: context.topology, settings: settings,
                owner: context.owner, health: context.health, logger: context.logger,
                attachments: try ReplyMediaLoader.configured(settings.attachments, logger: context.logger), testFault: testFault
            )
            return [
                DispatchEngine(
                    dispatcher: dispatcher, source: AMQPSendQueue(channel: consumeChannel, queue: context.topology.sendQueue),
                    topology: context.topology, settings: settings,
                    health: context.health, logger: context.logger, testFault: testFault)
            ]
        }
        if code != 0 { throw ExitCode(code) }
    }
}
