/// Every failure the AMQP module reports, typed so a caller can act on it.
///
/// No case ever carries a password: URLs appear redacted (`amqp://****@host`).
public enum AMQPError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The connection URL could not be used; `url` is redacted.
    case invalidURL(url: String, reason: String)
    /// A configuration value or call argument is out of range.
    case invalidArgument(String)
    /// No TCP connection (or no AMQP handshake) could be made to `host:port`.
    case connectFailed(host: String, port: Int, reason: String)
    /// The broker refused the user name or password.
    case authenticationFailed(user: String, vhost: String)
    /// The user may not open `vhost` (or it does not exist).
    case accessRefused(user: String, vhost: String, reason: String)
    /// The TLS handshake failed (certificate, host name, or a peer that does not speak TLS).
    case tlsFailed(host: String, port: Int, reason: String)
    /// The broker closed a channel because of an error on it (e.g. 404 NOT_FOUND, 406
    /// PRECONDITION_FAILED). The channel itself is reopened; the failed operation is not retried.
    case channelClosed(channel: UInt16, code: UInt16, text: String)
    /// The broker closed the connection with this code and text.
    case connectionClosed(code: UInt16, text: String)
    /// The connection dropped (socket error, missed heartbeats, forced close). Publishes that were
    /// not yet confirmed fail with it: retry them (consumers must tolerate the duplicate).
    case connectionLost(reason: String)
    /// The broker refused responsibility for a published message (`basic.nack`): retry it.
    case nacked(exchange: String, routingKey: String)
    /// A `mandatory` message matched no queue and came back with `basic.return`.
    case unroutable(exchange: String, routingKey: String, replyCode: UInt16, replyText: String)
    /// The operation did not finish in time; `operation` says which and why it waited.
    case timeout(operation: String, after: Duration)
    /// The delivery came from an earlier life of its channel (before a reconnect or a channel
    /// reopen); the broker has requeued it and will deliver it again, so it cannot be settled.
    case staleDelivery(deliveryTag: UInt64)
    /// The broker cancelled the consumer (its queue was deleted, or a quorum queue lost its leader).
    case consumerCancelled(consumerTag: String, queue: String)
    /// The channel was closed by the application.
    case channelClosedByApplication(channel: UInt16)
    /// The connection was closed by the application, or never connected.
    case connectionClosedByApplication
    /// Every channel number the broker allows is in use.
    case noChannelAvailable(max: Int)
    /// The broker sent something the client cannot process, or librabbitmq failed internally.
    case protocolError(String)
    /// The message cannot be encoded (a name over 255 bytes, headers larger than a frame): it was
    /// not sent, and the connection stays up. `routingKey` is cut to 255 characters.
    case unencodable(exchange: String, routingKey: String, reason: String)

    /// A sentence naming what failed, with which input, and what to do (never a password).
    public var description: String {
        switch self {
        case .invalidURL(let url, let reason):
            "invalid AMQP URL \(url): \(reason); expected amqp[s]://user:password@host[:port][/vhost]"
        case .invalidArgument(let why):
            "invalid argument: \(why)"
        case .connectFailed(let host, let port, let reason):
            "could not connect to the AMQP broker at \(host):\(port): \(reason); check that it runs and the host and port are right"
        case .authenticationFailed(let user, let vhost):
            "the broker refused the credentials of user '\(user)' (vhost '\(vhost)'); check the user name and password"
        case .accessRefused(let user, let vhost, let reason):
            "user '\(user)' may not open vhost '\(vhost)': \(reason); check that the vhost exists and the user has permissions on it"
        case .tlsFailed(let host, let port, let reason):
            "TLS handshake with \(host):\(port) failed: \(reason); check the CA file, the host name and that the port speaks TLS"
        case .channelClosed(let channel, let code, let text):
            "the broker closed channel \(channel): \(code) \(text)"
        case .connectionClosed(let code, let text):
            "the broker closed the connection: \(code) \(text)"
        case .connectionLost(let reason):
            "the connection to the broker was lost: \(reason); unconfirmed publishes must be retried"
        case .nacked(let exchange, let routingKey):
            "the broker nacked a message to exchange '\(exchange)' with routing key '\(routingKey)'; publish it again"
        case .unroutable(let exchange, let routingKey, let code, let text):
            "no queue is bound to exchange '\(exchange)' for routing key '\(routingKey)' (\(code) \(text)); declare the topology first"
        case .timeout(let operation, let after):
            "\(operation) did not complete within \(after)"
        case .staleDelivery(let tag):
            "delivery \(tag) came before a reconnect or channel reopen and can no longer be settled; the broker redelivers it"
        case .consumerCancelled(let tag, let queue):
            "the broker cancelled consumer \(tag) on queue '\(queue)' (deleted queue?)"
        case .channelClosedByApplication(let channel):
            "channel \(channel) was closed by the application"
        case .connectionClosedByApplication:
            "the connection is closed (closed by the application, or connect() was not called)"
        case .noChannelAvailable(let max):
            "all \(max) channel numbers the broker allows are in use"
        case .protocolError(let why):
            "AMQP protocol error: \(why)"
        case .unencodable(let exchange, let routingKey, let reason):
            "the message to exchange '\(exchange)' with routing key '\(routingKey)' cannot be encoded: \(reason); nothing was sent"
        }
    }
}
