import Foundation
import Synchronization

/// Fans connection events out to every `events()` stream; each keeps at most the newest 256
/// events, so a subscriber that never reads costs bounded memory.
final class EventBroadcaster: Sendable {
    private let subscribers = Mutex<[UUID: AsyncStream<AMQPConnectionEvent>.Continuation]>([:])

    func subscribe() -> AsyncStream<AMQPConnectionEvent> {
        let (stream, continuation) = AsyncStream.makeStream(of: AMQPConnectionEvent.self, bufferingPolicy: .bufferingNewest(256))
        let id = UUID()
        continuation.onTermination = { [weak self] _ in
            _ = self?.subscribers.withLock { $0.removeValue(forKey: id) }
        }
        subscribers.withLock { $0[id] = continuation }
        return stream
    }

    func emit(_ event: AMQPConnectionEvent) {
        for continuation in subscribers.withLock({ Array($0.values) }) {
            continuation.yield(event)
        }
    }

    /// Ends every stream (the connection closed for good).
    func finish() {
        for continuation in subscribers.withLock({ Array($0.values) }) {
            continuation.finish()
        }
    }
}
