internal import CRabbitMQ
import Foundation

/// One established AMQP connection: librabbitmq's state, its socket, a completed login.
///
/// `deinit` always calls `amqp_destroy_connection` (which closes the socket), so dropping the
/// object is how the connection thread lets go of a dead or finished connection.
final class LiveConnection {
    let state: amqp_connection_state_t
    /// Heartbeat interval the broker and we agreed on (nil when off).
    private(set) var heartbeat: Duration?
    /// Highest channel number the broker allows.
    private(set) var channelMax = 2047

    private init(state: amqp_connection_state_t) {
        self.state = state
    }

    deinit {
        amqp_destroy_connection(state)
    }

    /// TCP (or TLS) connect to `node` and AMQP login, each bounded by `connectTimeout`.
    /// Blocking: runs on the connection thread only.
    static func open(_ configuration: AMQPConfiguration, node: AMQPNode, encoder: CEncoder) throws -> LiveConnection {
        guard let state = amqp_new_connection() else { throw AMQPError.protocolError("out of memory creating a connection") }
        let connection = LiveConnection(state: state)
        let host = node.host
        let port = node.port

        let socket: OpaquePointer?
        if let tls = configuration.tls {
            socket = amqp_ssl_socket_new(state)
            guard let socket else { throw AMQPError.tlsFailed(host: host, port: port, reason: "could not create a TLS context") }
            let systemBundle = AMQPTLSConfiguration.systemBundle
            let caFile = tls.caFile ?? (FileManager.default.fileExists(atPath: systemBundle) ? systemBundle : nil)
            if let caFile, amqp_ssl_socket_set_cacert(socket, caFile) != AMQP_STATUS_OK.rawValue {
                throw AMQPError.tlsFailed(host: host, port: port, reason: "cannot read CA file \(caFile)")
            }
            if let certificate = tls.certificateFile, let key = tls.keyFile,
                amqp_ssl_socket_set_key(socket, certificate, key) != AMQP_STATUS_OK.rawValue
            {
                throw AMQPError.tlsFailed(host: host, port: port, reason: "cannot read client certificate \(certificate) or key \(key)")
            }
            amqp_ssl_socket_set_verify_peer(socket, tls.verifyPeer ? 1 : 0)
            amqp_ssl_socket_set_verify_hostname(socket, tls.verifyHostname ? 1 : 0)
        } else {
            socket = amqp_tcp_socket_new(state)
        }
        guard let socket else { throw AMQPError.protocolError("could not create a socket") }

        var timeout = timeval(configuration.connectTimeout)
        let opened = amqp_socket_open_noblock(socket, host, Int32(port), &timeout)
        if opened != AMQP_STATUS_OK.rawValue {
            let reason = CDecoder.status(opened)
            if configuration.tls != nil, Self.isTLSStatus(opened) {
                throw AMQPError.tlsFailed(host: host, port: port, reason: reason)
            }
            if opened == AMQP_STATUS_TIMEOUT.rawValue {
                throw AMQPError.connectFailed(host: host, port: port, reason: "no answer within \(configuration.connectTimeout)")
            }
            // librabbitmq reads the connect error with SO_ERROR and keeps it; errno is stale here.
            let detail = opened == AMQP_STATUS_SOCKET_ERROR.rawValue ? " (connection refused or host unreachable)" : ""
            throw AMQPError.connectFailed(host: host, port: port, reason: reason + detail)
        }
        guard amqp_set_handshake_timeout(state, &timeout) == AMQP_STATUS_OK.rawValue else {
            throw AMQPError.invalidArgument("connectTimeout \(configuration.connectTimeout) is not usable")
        }
        var rpcTimeout = timeval(configuration.operationTimeout)
        guard amqp_set_rpc_timeout(state, &rpcTimeout) == AMQP_STATUS_OK.rawValue else {
            throw AMQPError.invalidArgument("operationTimeout \(configuration.operationTimeout) is not usable")
        }

        encoder.reset()
        defer { encoder.reset() }
        var properties = try encoder.table(clientProperties(configuration))
        let reply = kiamo_amqp_login_plain(
            state, configuration.vhost, 0, Int32(configuration.frameMax),
            Int32(configuration.heartbeat.seconds.rounded()), &properties,
            configuration.user, configuration.password
        )
        switch reply.reply_type {
        case AMQP_RESPONSE_NORMAL:
            break
        case AMQP_RESPONSE_SERVER_EXCEPTION where reply.reply.id == MethodID.connectionClose:
            let close = reply.reply.decoded.assumingMemoryBound(to: amqp_connection_close_t.self).pointee
            let text = CDecoder.string(close.reply_text)
            switch close.reply_code {
            case 403: throw AMQPError.authenticationFailed(user: configuration.user, vhost: configuration.vhost)
            case 530: throw AMQPError.accessRefused(user: configuration.user, vhost: configuration.vhost, reason: text)
            default: throw AMQPError.connectionClosed(code: close.reply_code, text: text)
            }
        case AMQP_RESPONSE_SERVER_EXCEPTION:
            throw AMQPError.protocolError("unexpected reply \(reply.reply.id) during login")
        default:
            let status = reply.library_error
            if status == AMQP_STATUS_CONNECTION_CLOSED.rawValue || status == AMQP_STATUS_SOCKET_ERROR.rawValue {
                // Brokers without authentication_failure_close just drop the socket on bad credentials.
                throw AMQPError.connectFailed(host: host, port: port, reason: "the broker closed the connection during login (\(CDecoder.status(status))); check the credentials and the vhost")
            }
            if configuration.tls != nil, Self.isTLSStatus(status) {
                throw AMQPError.tlsFailed(host: host, port: port, reason: CDecoder.status(status))
            }
            if status == AMQP_STATUS_TIMEOUT.rawValue {
                throw AMQPError.connectFailed(host: host, port: port, reason: "no AMQP handshake within \(configuration.connectTimeout); is this an AMQP port?")
            }
            throw AMQPError.connectFailed(host: host, port: port, reason: "login failed: \(CDecoder.status(status))")
        }
        let heartbeat = amqp_get_heartbeat(state)
        connection.heartbeat = heartbeat > 0 ? .seconds(Int(heartbeat)) : nil
        connection.channelMax = Int(amqp_get_channel_max(state))
        return connection
    }

    /// `connection_name` for the management UI, and the capabilities that make RabbitMQ send
    /// connection.blocked, consumer cancel notifications, nacks and an explicit auth failure.
    private static func clientProperties(_ configuration: AMQPConfiguration) -> AMQPTable {
        var properties: AMQPTable = [
            "product": "kiamo-twitter AMQP",
            "capabilities": [
                "publisher_confirms": true,
                "basic.nack": true,
                "consumer_cancel_notify": true,
                "connection.blocked": true,
                "authentication_failure_close": true,
                "exchange_exchange_bindings": true,
            ],
        ]
        if let name = configuration.connectionName { properties["connection_name"] = .string(name) }
        return properties
    }

    private static func isTLSStatus(_ status: Int32) -> Bool {
        // The TLS statuses are -0x0200 ... -0x02FF.
        status <= -0x0200 && status > -0x0300
    }
}

extension timeval {
    /// A timeval of `duration` (negative becomes zero).
    init(_ duration: Duration) {
        let seconds = max(duration.seconds, 0)
        let whole = seconds.rounded(.down)
        self.init(tv_sec: Int(whole), tv_usec: Int(((seconds - whole) * 1_000_000).rounded()))
    }
}
