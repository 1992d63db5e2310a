import Foundation

/// A PostgreSQL state database and how to reach it, from a `postgres://` or `postgresql://` URL:
/// `postgres://user:password@host:5432/db?sslmode=verify-full&sslrootcert=/ca.pem&application_name=x&pool_size=8`.
///
/// `description` never shows the user information (see `redacted`).
public struct PostgresLocation: Sendable, Hashable, CustomStringConvertible {
    /// The server's host name or address (an IPv6 address without brackets).
    public var host: String
    /// The server's TCP port.
    public var port: Int
    /// The role to log in as.
    public var user: String
    /// Its password (nil: none, for `trust` or certificate authentication).
    public var password: String?
    /// The database holding the state (it must exist; the store creates its tables in it).
    public var database: String
    /// TLS on the connections; see `PostgresSSLMode`.
    public var sslMode: PostgresSSLMode
    /// The CA certificate file (PEM) `verify-full` checks the server's certificate against;
    /// nil: the system's trust roots.
    public var sslRootCert: String?
    /// What `pg_stat_activity` shows for this worker's connections.
    public var applicationName: String
    /// Connections kept open at most by one process (`pool_size`).
    public var poolSize: Int
    /// The longest any one statement may run, and what a call waits at most for a connection
    /// (`statement_timeout_ms`); the lock timeout is a third of it.
    public var statementTimeout: Duration
    /// The URL as printed in errors and logs: user information masked (`URLRedactor`).
    public var redacted: String

    /// A location with the defaults: `sslmode=prefer`, `application_name=kiamo-twitter`, a pool of
    /// 8 connections, statements bounded to 5 s.
    public init(
        host: String, port: Int = 5432, user: String, password: String? = nil, database: String,
        sslMode: PostgresSSLMode = .prefer, sslRootCert: String? = nil, applicationName: String = "kiamo-twitter",
        poolSize: Int = 8, statementTimeout: Duration = .seconds(5), redacted: String? = nil
    ) {
        self.host = host
        self.port = port
        self.user = user
        self.password = password
        self.database = database
        self.sslMode = sslMode
        self.sslRootCert = sslRootCert
        self.applicationName = applicationName
        self.poolSize = poolSize
        self.statementTimeout = statementTimeout
        self.redacted = redacted ?? StateStoreURL.redactingPassword("postgres://\(user)@\(host):\(port)/\(database)")
    }

    /// The masked URL.
    public var description: String { redacted }

    /// The query parameters a URL may carry.
    static let parameters = ["sslmode", "sslrootcert", "application_name", "pool_size", "statement_timeout_ms"]

    /// Parses `text` (already known to start with `postgres://` or `postgresql://`). The user
    /// information runs to the *last* `@`, as `URLRedactor` masks it, so a password may hold raw
    /// `/`, `?`, `:` or `@`; percent-encoded characters are decoded in every part.
    init(parsing text: String) throws {
        let redacted = StateStoreURL.redactingPassword(text)
        func invalid(_ reason: String) -> StateStoreError { .invalidURL(url: redacted, reason: reason) }
        guard let schemeEnd = text.range(of: "://") else { throw invalid("expected postgres://user:password@host:5432/database") }
        let rest = text[schemeEnd.upperBound...]
        guard let at = rest.lastIndex(of: "@") else {
            throw invalid("no user name; expected postgres://user:password@host:5432/database")
        }
        let userInfo = rest[..<at]
        let afterAt = rest[rest.index(after: at)...]
        let userAndPassword = userInfo.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard let rawUser = userAndPassword.first, let user = String(rawUser).removingPercentEncoding, !user.isEmpty else {
            throw invalid("no user name; expected postgres://user:password@host:5432/database")
        }
        let password = userAndPassword.count == 2 ? (String(userAndPassword[1]).removingPercentEncoding ?? String(userAndPassword[1])) : nil
        let hostAndRest = afterAt.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        let authority = String(hostAndRest[0])
        guard hostAndRest.count == 2 else { throw invalid("no database name; expected postgres://user:password@host:5432/database") }
        let pathAndQuery = hostAndRest[1].split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        guard let database = String(pathAndQuery[0]).removingPercentEncoding, !database.isEmpty, !database.contains("/") else {
            throw invalid("no database name; expected postgres://user:password@host:5432/database")
        }
        var host = authority
        var port = 5432
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { throw invalid("unclosed '[' in the IPv6 host") }
            host = String(authority[authority.index(after: authority.startIndex)..<close])
            let tail = authority[authority.index(after: close)...]
            if tail.hasPrefix(":") {
                guard let value = Int(tail.dropFirst()), (1...65_535).contains(value) else { throw invalid("the port must be a number from 1 to 65535") }
                port = value
            } else if !tail.isEmpty {
                throw invalid("unexpected '\(tail)' after the IPv6 host")
            }
        } else if let colon = authority.lastIndex(of: ":") {
            host = String(authority[..<colon])
            guard let value = Int(authority[authority.index(after: colon)...]), (1...65_535).contains(value) else {
                throw invalid("the port must be a number from 1 to 65535")
            }
            port = value
        }
        guard !host.isEmpty else { throw invalid("no host; expected postgres://user:password@host:5432/database") }
        self.init(host: host, port: port, user: user, password: password, database: database, redacted: redacted)
        if pathAndQuery.count == 2 {
            for pair in pathAndQuery[1].split(separator: "&") where !pair.isEmpty {
                let keyValue = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let key = String(keyValue[0]).lowercased()
                let raw = keyValue.count == 2 ? String(keyValue[1]) : ""
                let value = raw.removingPercentEncoding ?? raw
                switch key {
                case "sslmode":
                    guard let mode = PostgresSSLMode(rawValue: value.lowercased()) else {
                        throw invalid("sslmode must be disable, prefer, require or verify-full")
                    }
                    sslMode = mode
                case "sslrootcert":
                    guard value.hasPrefix("/") else { throw invalid("sslrootcert must be the absolute path of a PEM file") }
                    sslRootCert = value
                case "application_name":
                    guard !value.isEmpty, value.count < 64 else { throw invalid("application_name must have 1 to 63 characters") }
                    applicationName = value
                case "pool_size":
                    guard let size = Int(value), (1...200).contains(size) else { throw invalid("pool_size must be a number of connections from 1 to 200") }
                    poolSize = size
                case "statement_timeout_ms":
                    guard let milliseconds = Int(value), milliseconds >= 100 else {
                        throw invalid("statement_timeout_ms must be a number of milliseconds, at least 100")
                    }
                    statementTimeout = .milliseconds(milliseconds)
                default:
                    throw invalid("unknown parameter '\(key)'; known: \(Self.parameters.joined(separator: ", "))")
                }
            }
        }
        if sslRootCert != nil && sslMode != .verifyFull {
            throw invalid("sslrootcert is only read with sslmode=verify-full")
        }
    }
}
