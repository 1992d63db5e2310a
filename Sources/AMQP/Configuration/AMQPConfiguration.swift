import Foundation
internal import URLRedaction

/// Everything a connection needs: where the broker is, who we are, and how the connection
/// behaves (heartbeat, timeouts, reconnects).
///
/// Build it from a URL (`amqp://user:pass@host:port/vhost`, `amqps://` for TLS, several nodes
/// as `amqp://user:pass@rmq1:5672,rmq2:5672/vhost`) or field by field.
/// Its `description` never shows the password.
public struct AMQPConfiguration: Sendable, Hashable, CustomStringConvertible {
    /// The broker nodes, tried in this order: the first connect goes to the first node that
    /// answers; after a loss the connection moves on to the next node, round-robin. One node for a
    /// single broker; never empty once validated.
    public var nodes: [AMQPNode]
    /// Host of the first node (the only one for a single broker); setting it replaces that node's host.
    public var host: String {
        get { nodes.first?.host ?? "" }
        set {
            if nodes.isEmpty { nodes = [AMQPNode(host: newValue, port: defaultPort)] } else { nodes[0].host = newValue }
        }
    }
    /// Port of the first node (5672 for amqp, 5671 for amqps by default); setting it replaces that node's port.
    public var port: Int {
        get { nodes.first?.port ?? defaultPort }
        set {
            if nodes.isEmpty { nodes = [AMQPNode(host: "localhost", port: newValue)] } else { nodes[0].port = newValue }
        }
    }
    /// User name.
    public var user: String
    /// Password; never logged nor put in an error.
    public var password: String
    /// Virtual host (`/` by default).
    public var vhost: String
    /// TLS settings; nil for a plain TCP connection.
    public var tls: AMQPTLSConfiguration?
    /// Heartbeat interval asked of the broker (whole seconds; zero turns heartbeats off). The
    /// connection thread sends one every half interval while idle and declares the connection
    /// lost after two intervals of silence from the broker.
    public var heartbeat: Duration
    /// Name shown in the management UI (client property `connection_name`).
    public var connectionName: String?
    /// Bound on TCP connect, TLS handshake and AMQP login together.
    public var connectTimeout: Duration
    /// Bound on waits that have no other bound: an operation issued while the connection is
    /// down or blocked waits this long for it to come back; recovery steps wait this long for
    /// the broker's reply.
    public var operationTimeout: Duration
    /// What happens when an established connection drops.
    public var reconnect: AMQPReconnectPolicy
    /// Largest frame asked of the broker; bodies above it are split.
    public var frameMax: Int

    /// A configuration from its parts; see the properties for the defaults' meaning.
    public init(
        host: String = "localhost",
        port: Int? = nil,
        user: String = "guest",
        password: String = "guest",
        vhost: String = "/",
        tls: AMQPTLSConfiguration? = nil,
        heartbeat: Duration = .seconds(30),
        connectionName: String? = nil,
        connectTimeout: Duration = .seconds(10),
        operationTimeout: Duration = .seconds(30),
        reconnect: AMQPReconnectPolicy = AMQPReconnectPolicy(),
        frameMax: Int = 131_072
    ) {
        self.nodes = [AMQPNode(host: host, port: port ?? (tls == nil ? 5672 : 5671))]
        self.user = user
        self.password = password
        self.vhost = vhost
        self.tls = tls
        self.heartbeat = heartbeat
        self.connectionName = connectionName
        self.connectTimeout = connectTimeout
        self.operationTimeout = operationTimeout
        self.reconnect = reconnect
        self.frameMax = frameMax
    }

    /// Parses `amqp[s]://[user[:password]@]host[:port][,host[:port]...][/vhost][?key=value&...]`.
    ///
    /// Several nodes, separated by commas, make a cluster's list: they share the scheme, user,
    /// password, vhost and query; each takes its own port or the scheme's default. An empty node
    /// or a scheme repeated per node is an error.
    /// The user information ends at the *last* `@` (so a password may hold `/`, `?`, `#`, `:` or
    /// `@` written raw), then the rest is cut at `#`, `?` and `/`: the same rule `URLRedactor`
    /// masks by, so what is read as credentials is exactly what never appears in text.
    /// User, password, host and vhost are percent-decoded (`%2F` is `/`). An empty path or `/`
    /// alone means the default vhost `/`. Query keys: `heartbeat` (seconds),
    /// `connection_timeout` (milliseconds), `connection_name`, and for amqps `cacertfile`,
    /// `certfile`, `keyfile`, `verify` (`verify_peer` or `verify_none`). Anything else is an error
    /// naming the key. Throws `AMQPError.invalidURL` with the URL redacted and a reason that names
    /// the part at fault, never its value (a mis-split URL would otherwise print a password's tail).
    public init(url: String) throws {
        let fail = { (reason: String) in AMQPError.invalidURL(url: Self.redact(url), reason: reason) }
        guard let schemeEnd = url.range(of: "://") else { throw fail("missing scheme (amqp:// or amqps://)") }
        let scheme = url[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "amqp" || scheme == "amqps" else { throw fail("unsupported scheme (amqp:// or amqps://)") }
        var rest = Substring(url[schemeEnd.upperBound...])
        var userInfo: Substring? = nil
        if let at = rest.lastIndex(of: "@") {
            userInfo = rest[..<at]
            rest = rest[rest.index(after: at)...]
        }
        if let hash = rest.firstIndex(of: "#") { rest = rest[..<hash] }
        var query: Substring = ""
        if let mark = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: mark)...]
            rest = rest[..<mark]
        }
        if rest.contains("://") || userInfo.map(Self.repeatsScheme) == true {
            throw fail("one scheme and one user information for every node: write amqp[s]://user:password@host1:port,host2:port/vhost")
        }
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        let hostPort = rest[..<slash]
        let path = rest[slash...]

        self.init(tls: scheme == "amqps" ? AMQPTLSConfiguration() : nil)

        if let userInfo {
            let colon = userInfo.firstIndex(of: ":")
            guard let user = String(userInfo[..<(colon ?? userInfo.endIndex)]).removingPercentEncoding else {
                throw fail("the user name is not valid percent-encoding")
            }
            self.user = user
            if let colon {
                guard let password = String(userInfo[userInfo.index(after: colon)...]).removingPercentEncoding else {
                    throw fail("the password is not valid percent-encoding")
                }
                self.password = password
            }
        }

        let entries = hostPort.split(separator: ",", omittingEmptySubsequences: false)
        if entries.count > 1 || !hostPort.isEmpty {
            nodes = []
            for (index, entry) in entries.enumerated() {
                // Position, never the text: a mis-split URL could put part of a password here.
                let which = entries.count > 1 ? "node \(index + 1) of the list: " : ""
                guard !entry.isEmpty || entries.count == 1 else {
                    throw fail("\(which)empty; write host[:port] for every node, separated by commas")
                }
                nodes.append(try Self.node(entry, defaultPort: defaultPort) { fail(which + $0) })
            }
        }
        if path.count > 1 {
            let encoded = path.dropFirst()
            guard !encoded.contains("/") else { throw fail("the vhost must be one path segment; write '/' inside it as %2F") }
            guard let vhost = String(encoded).removingPercentEncoding else { throw fail("the vhost is not valid percent-encoding") }
            self.vhost = vhost
        }

        for pair in query.split(separator: "&") where !pair.isEmpty {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = String(parts[0])
            guard let value = (parts.count > 1 ? String(parts[1]) : "").removingPercentEncoding else {
                throw fail("query parameter '\(key)' is not valid percent-encoding")
            }
            switch key {
            case "heartbeat":
                guard let seconds = UInt16(value) else { throw fail("heartbeat is not a number of seconds in 0...65535") }
                heartbeat = .seconds(Int(seconds))
            case "connection_timeout":
                guard let milliseconds = Int(value), milliseconds > 0 else { throw fail("connection_timeout is not a positive number of milliseconds") }
                connectTimeout = .milliseconds(milliseconds)
            case "connection_name":
                connectionName = value
            case "cacertfile", "certfile", "keyfile", "verify":
                guard var tls else { throw fail("'\(key)' needs the amqps scheme") }
                switch key {
                case "cacertfile": tls.caFile = value
                case "certfile": tls.certificateFile = value
                case "keyfile": tls.keyFile = value
                default:
                    guard value == "verify_peer" || value == "verify_none" else {
                        throw fail("verify must be verify_peer or verify_none")
                    }
                    tls.verifyPeer = value == "verify_peer"
                    tls.verifyHostname = value == "verify_peer"
                }
                self.tls = tls
            default:
                throw fail("unknown query parameter '\(key)'")
            }
        }
    }

    /// Parses one `host[:port]` of the node list (`[v6]:port` for IPv6); `fail` makes the error.
    private static func node(_ text: Substring, defaultPort: Int, fail: (String) -> AMQPError) throws -> AMQPNode {
        var hostPart = text
        var portPart: Substring? = nil
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { throw fail("unterminated IPv6 address") }
            hostPart = text[text.index(after: text.startIndex)..<close]
            let after = text[text.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw fail("unexpected text after the IPv6 address") }
                portPart = after.dropFirst()
            }
        } else if let colon = text.lastIndex(of: ":") {
            hostPart = text[..<colon]
            portPart = text[text.index(after: colon)...]
        }
        guard let host = String(hostPart).removingPercentEncoding else { throw fail("the host is not valid percent-encoding") }
        var node = AMQPNode(host: host.isEmpty ? "localhost" : host, port: defaultPort)
        if let portPart {
            guard let port = Int(portPart), (1...65_535).contains(port) else {
                throw fail("the port is not a number in 1...65535")
            }
            node.port = port
        }
        return node
    }

    /// True when the user information holds a second `@…,amqp://`: each node was written as a
    /// whole URL (`amqp://u:p@h1,amqp://u:p@h2`), which the last-`@` rule would otherwise read as
    /// one long password.
    private static func repeatsScheme(_ userInfo: Substring) -> Bool {
        let text = userInfo.lowercased()
        guard let at = text.firstIndex(of: "@") else { return false }
        let after = text[at...]
        return after.contains(",amqp://") || after.contains(",amqps://")
    }

    /// 5672 for amqp, 5671 for amqps.
    var defaultPort: Int { tls == nil ? 5672 : 5671 }

    /// The URL of this configuration as `URLRedactor` prints it: user and password masked, every
    /// node listed.
    public var redactedURL: String {
        let scheme = tls == nil ? "amqp" : "amqps"
        let vhostText = vhost == "/" ? "" : vhost.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))) ?? vhost
        return "\(scheme)://\(URLRedactor.mask)@\(nodes.map(\.description).joined(separator: ","))/\(vhostText)"
    }

    /// `redactedURL`: never the password.
    public var description: String { redactedURL }

    /// `url` as `URLRedactor` prints it, so even a URL that failed to parse can appear in an
    /// error without its password.
    public static func redact(_ url: String) -> String {
        URLRedactor.redact(url)
    }

    /// Checks ranges librabbitmq would otherwise reject obscurely.
    func validate() throws {
        let heartbeatSeconds = heartbeat.seconds
        guard heartbeatSeconds >= 0, heartbeatSeconds <= Double(UInt16.max) else {
            throw AMQPError.invalidArgument("heartbeat must be 0...65535 s, not \(heartbeat)")
        }
        guard !nodes.isEmpty else { throw AMQPError.invalidArgument("no broker node: give at least one host") }
        for node in nodes {
            guard (1...65_535).contains(node.port) else { throw AMQPError.invalidArgument("port must be 1...65535, not \(node.port) (node \(node))") }
            guard !node.host.isEmpty else { throw AMQPError.invalidArgument("a node's host is empty") }
        }
        guard frameMax >= 4096 else { throw AMQPError.invalidArgument("frameMax must be at least 4096, not \(frameMax)") }
        guard connectTimeout > .zero, operationTimeout > .zero else {
            throw AMQPError.invalidArgument("connectTimeout and operationTimeout must be positive")
        }
    }
}
