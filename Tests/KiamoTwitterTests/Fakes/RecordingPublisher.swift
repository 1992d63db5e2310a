import AMQP
import KiamoTwitter
import Synchronization

/// A publisher that keeps what it was given and can refuse chosen messages, for the engines'
/// unit tests (the integration tests use the broker).
final class RecordingPublisher: ConfirmedPublisher {
    private let state = Mutex<(messages: [AMQPMessage], failing: Set<String>)>(([], []))

    /// Messages whose `message_id` is in `ids` fail with `connectionLost` (once each).
    func fail(messageIds ids: Set<String>) { state.withLock { $0.failing = ids } }

    var messages: [AMQPMessage] { state.withLock { $0.messages } }

    func publish(_ messages: [AMQPMessage]) async -> [Result<Void, AMQPError>] {
        state.withLock { state in
            messages.map { message in
                if let id = message.properties.messageId, state.failing.remove(id) != nil {
                    return .failure(.connectionLost(reason: "test"))
                }
                state.messages.append(message)
                return .success(())
            }
        }
    }
}
