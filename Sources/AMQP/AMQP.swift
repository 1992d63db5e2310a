// AMQP: an AMQP 0-9-1 client over librabbitmq 0.11, for RabbitMQ.
//
// Role: connections (amqp/amqps URL, heartbeat, connection name), channels in publisher-confirm
// mode, topology declarations (remembered and redone after a reconnect), confirmed publishing
// with many publishes in flight, consumers as async sequences with manual acks, basic.get, and
// automatic reconnection with capped exponential backoff and jitter. Errors are `AMQPError`.
//
// Threading rule: librabbitmq is not thread-safe, so each `AMQPConnection` owns one dedicated
// `Thread` (`ConnectionLoop`) that makes every librabbitmq call for it. Public handles
// (`AMQPConnection`, `AMQPChannel`, `AMQPConsumer`) are Sendable and never touch the C state:
// they queue a `Command` (mutex-protected inbox), wake the thread through a pipe, and await a
// continuation the thread resumes. No blocking call runs on Swift's cooperative pool. The thread
// polls its socket and the wake pipe, bounded by the heartbeat interval, so heartbeats flow
// while idle; user RPCs are matched to replies per channel without blocking, so a slow method
// never stalls deliveries or heartbeats (opening channels and post-reconnect recovery wait for
// their replies on the thread, bounded by the operation timeout).
internal import CRabbitMQ

/// Facts about the AMQP module's C library.
public enum AMQPLibrary {
    /// The librabbitmq version linked, e.g. `0.11.0`.
    public static var librabbitmqVersion: String {
        guard let version = amqp_version() else { return "unknown" }
        return String(cString: version)
    }
}
