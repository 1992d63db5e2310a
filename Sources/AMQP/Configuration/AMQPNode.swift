/// One broker node of a connection's list: where a TCP connection can be made.
///
/// A cluster is given as several nodes sharing one user, password, vhost and TLS setting
/// (`amqp://user:pass@rmq1:5672,rmq2:5672/vhost`); the connection tries them in turn.
public struct AMQPNode: Sendable, Hashable, CustomStringConvertible {
    /// Host name or address (an IPv6 address without its brackets).
    public var host: String
    /// TCP port.
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// `host:port`, an IPv6 address in brackets (`[::1]:5672`): the form the URL takes, and what
    /// logs and errors name. It never holds a credential.
    public var description: String {
        "\(host.contains(":") ? "[\(host)]" : host):\(port)"
    }
}
