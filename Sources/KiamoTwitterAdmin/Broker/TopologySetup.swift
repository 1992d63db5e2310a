import AMQP
import KiamoTwitter

/// `kiamo-twitter setup`: opens the state store, creating and migrating its file when missing,
/// then declares the topology the workers declare at start (idempotent: what exists with the
/// same arguments is left alone).
public struct TopologySetup: Sendable {
    let session: AdminSession

    /// The operation, through `session` (which opens what it needs on first use).
    public init(session: AdminSession) {
        self.session = session
    }

    /// Opens the state store and declares the topology; throws when either fails.
    public func run() async throws -> SetupReport {
        let configuration = session.configuration
        let topology = Topology(configuration)
        _ = try await session.state()
        let channel = try await session.channel()
        do {
            try await topology.declare(on: channel)
        } catch let error as AMQPError {
            throw AdminError.failed(
                "declaring the topology failed: \(error). An existing queue with other arguments must be deleted, "
                    + "or the settings aligned with it (amqp.queueType, dispatch.retryDelays)")
        }
        try? await channel.close()
        return SetupReport(
            exchanges: topology.exchanges.map { "\($0.name) (\($0.type))" },
            queues: topology.queues.map(\.name),
            bindings: topology.bindings.map { "\($0.exchange) -> \($0.queue)\($0.routingKey.isEmpty ? "" : " [\($0.routingKey)]")" },
            stateURL: ConfigurationReport.maskedURL(configuration.state.url.reveal()),
            policies: topology.policyCommands()
        )
    }
}
