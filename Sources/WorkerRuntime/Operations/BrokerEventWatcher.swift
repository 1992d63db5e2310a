import AMQP
import Logging
import Metrics
import Synchronization

/// Turns the broker connection's events into what the people on call read: the `broker` check of
/// `/readyz` and one log line per event, in sentences.
///
/// A loss and the first reconnect scheduled after it arrive as two events; they are told as one
/// line (`broker connection lost: ...; reconnecting in 0.1 s (attempt 1)`). Each failed attempt is
/// told by the AMQP library, which alone knows why it failed; the schedule that follows it only
/// updates `/readyz`.
final class BrokerEventWatcher: Sendable {
    private let health: HealthRegistry
    private let logger: Logger
    private let url: String
    /// The loss not yet told, waiting for the reconnect schedule that follows it.
    private let lostWith = Mutex<String?>(nil)
    /// `kiamo_broker_connected`: 1 while up.
    static var connected: Gauge { Gauge(label: "kiamo_broker_connected") }

    init(health: HealthRegistry, logger: Logger, url: String) {
        self.health = health
        self.logger = logger
        self.url = url
    }

    func handle(_ event: AMQPConnectionEvent) {
        switch event {
        case .disconnected:
            Self.connected.record(0)
            lostWith.withLock { $0 = event.description }
            health.update("broker", ready: false, detail: event.description)
        case .reconnectScheduled:
            let lost = lostWith.withLock { lost in
                defer { lost = nil }; return lost
            }
            health.update("broker", ready: false, detail: "\(lost.map { $0 + "; " } ?? "")\(event)")
            if let lost { logger.warning("broker \(lost); \(event)") }
        case .connected:
            Self.connected.record(1)
            // The first connect: the start-up already said it, with the URL.
            health.update("broker", ready: true, detail: "connected")
        case .reconnected(let generation, let node):
            Self.connected.record(1)
            health.update("broker", ready: true, detail: "connected")
            logger.info("reconnected to the broker \(url), node \(node) (connection \(generation) since start)")
        case .closed(let error):
            let lost = lostWith.withLock { lost in
                defer { lost = nil }; return lost
            }
            Self.connected.record(0)
            guard let error else { return }
            health.update("broker", ready: false, alive: false, detail: "broker connection \(event)")
            logger.error("broker connection \(lost.map { $0 + "; " } ?? "")closed for good: \(error)")
        case .topologyRecoveryFailed:
            logger.error("broker: \(event)")
        case .blocked:
            // Still ready: the connection is up and publishes wait for the alarm to clear.
            health.update("broker", ready: true, detail: "connected; \(event)")
            logger.warning("broker: \(event)")
        case .unblocked:
            health.update("broker", ready: true, detail: "connected")
            logger.info("broker: \(event)")
        }
    }
}
