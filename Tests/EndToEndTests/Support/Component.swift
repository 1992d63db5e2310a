/// A part of the deployment the suite restarts once mid-way.
enum Component: String, Sendable, CaseIterable, CustomStringConvertible {
    /// `kiamo-twitter-ingest`, killed (SIGKILL) and started again: a crash between a publish and
    /// its cursor commit re-publishes, which the connector's remembered ids drop.
    case ingest
    /// `kiamo-twitter-dispatch`, killed and started again: a command claimed, maybe posted, not
    /// acknowledged, comes back and must not become a second DM.
    case dispatch
    /// The agent (Kiamo with the PHP connector), killed and started again on its stored state.
    case agent
    /// RabbitMQ: the application stopped and started (every connection drops; quorum queues and
    /// persistent messages stay).
    case broker

    var description: String { rawValue }
}
