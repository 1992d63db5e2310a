import AMQP

/// Publishes messages in order and answers, per message, once the broker confirmed it (or why
/// not). `AMQPChannel` is the real one; unit tests use small fakes.
public protocol ConfirmedPublisher: Sendable {
    func publish(_ messages: [AMQPMessage]) async -> [Result<Void, AMQPError>]
}

extension AMQPChannel: ConfirmedPublisher {}
