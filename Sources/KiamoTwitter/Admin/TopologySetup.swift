import AMQP

/// `kiamo-twitter setup`: declares the topology the workers declare at start (idempotent: what
/// exists with the same arguments is left alone) and opens the state store, creating and
/// migrating its file when missing.
public struct TopologySetup: Sendable {
    public let session: AdminSession

    public init(session: AdminSession) {
        self.session = session
    }

    public func run() async throws -> SetupReport {
        let configuration = session.configuration
        let topology = Topology(configuration)
        let channel = try await session.channel()
        do {
            try await topology.declare(on: channel)
        } catch let error as AMQPError {
            throw AdminError.failed("declaring the topology failed: \(error). An existing queue with other arguments must be deleted, "
                + "or the settings aligned with it (amqp.queueType, dispatch.retryDelays)")
        }
        try? await channel.close()
        _ = try await session.state()
        return SetupReport(
            exchanges: topology.exchanges.map { "\($0.name) (\($0.type))" },
            queues: topology.queues.map(\.name),
            bindings: topology.bindings.map { "\($0.exchange) -> \($0.queue)\($0.routingKey.isEmpty ? "" : " [\($0.routingKey)]")" },
            stateURL: ConfigurationReport.maskedURL(configuration.state.url.reveal())
        )
    }
}

/// What `setup` declared.
public struct SetupReport: AdminReport {
    public var exchanges: [String]
    public var queues: [String]
    public var bindings: [String]
    public var stateURL: String

    public var lines: [String] {
        ["exchanges: " + exchanges.joined(separator: ", "), "queues:"] + queues.map { "  \($0)" }
            + ["bindings:"] + bindings.map { "  \($0)" } + ["state store ready: \(stateURL)", "topology declared"]
    }
}
