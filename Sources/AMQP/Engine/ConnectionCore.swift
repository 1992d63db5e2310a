import Logging
import Synchronization

/// What the public handles (connection, channels, consumers) and the connection thread share:
/// the command inbox, a status snapshot and the event fan-out. Everything else belongs to the
/// thread.
final class ConnectionCore: Sendable {
    let configuration: AMQPConfiguration
    let logger: Logger
    let inbox: CommandInbox
    let status = Mutex(ConnectionStatus())
    let events = EventBroadcaster()

    init(configuration: AMQPConfiguration, logger: Logger) throws {
        self.configuration = configuration
        self.logger = logger
        self.inbox = try CommandInbox()
    }

    func submit(_ command: Command) {
        inbox.submit(command)
    }

    /// A deadline `operationTimeout` from now.
    func operationDeadline() -> ContinuousClock.Instant {
        ContinuousClock.now + configuration.operationTimeout
    }
}
