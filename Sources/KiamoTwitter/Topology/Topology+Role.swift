extension Topology {
    /// Who connects to the broker. Each role has its own broker user in the compose deployment
    /// (`compose/rabbitmq/users.template.json`), allowed what the role does and nothing more, so a
    /// leaked connector password cannot read the send queue nor post as the workers.
    public enum Role: String, CaseIterable, Sendable, Hashable {
        /// Publishes Kiamo messages (`inbound.<account>`); declares the inbound side.
        case ingest
        /// Consumes send commands; publishes reports, retries and dead letters; declares the send side.
        case dispatch
        /// Kiamo's connector: publishes send commands (`send.<account>`), reads the inbound queue.
        case kiamo
        /// The operator (`kiamo-twitter setup`, `status`, `dead-letters`, the management UI): everything.
        case admin
    }

    /// What `role` declares at start. Ingest and dispatch each declare their own side, with the
    /// exchanges and dead-letter queues it needs, so neither needs rights on the other's queues;
    /// `kiamo-twitter setup` (admin) declares everything; the connector declares nothing.
    public func declarations(for role: Role) -> (exchanges: [Exchange], queues: [Queue], bindings: [Binding]) {
        let queueNames: Set<String>
        let exchangeNames: Set<String>
        switch role {
        case .admin:
            return (exchanges, queues, bindings)
        case .kiamo:
            return ([], [], [])
        case .ingest:
            exchangeNames = [exchange, deadLetterExchange]
            queueNames = [inboundQueue, inboundDeadQueue]
        case .dispatch:
            exchangeNames = [exchange, retryExchange, deadLetterExchange]
            queueNames = Set([sendQueue, reportsQueue, sendDeadQueue] + retryDelays.map(retryQueue))
        }
        return (
            exchanges.filter { exchangeNames.contains($0.name) },
            queues.filter { queueNames.contains($0.name) },
            bindings.filter { queueNames.contains($0.queue) }
        )
    }
}
