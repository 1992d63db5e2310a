import Foundation
import PostgresNIO

/// Turns PostgresNIO's errors into `StateStoreError`s that say what to do, naming the masked URL.
///
/// Only PostgreSQL's own message, its SQLSTATE and the connection error's kind are shown: the
/// server never echoes a password, and bound values (tokens) are never part of a message here.
enum PostgresErrorMapping {
    /// Raised by an operation whose compare-and-set lost to another writer: it is decided again.
    struct CompareAndSetLost: Error {}

    /// The call took longer than the store allows (a connection never came, a statement hung).
    struct TimedOut: Error {
        var after: Duration
    }

    /// True for what is worth running again at once: a lost compare-and-set, a serialization
    /// failure (40001), a deadlock (40P01).
    static func isRetryable(_ error: any Error) -> Bool {
        let error = unwrapped(error)
        if error is CompareAndSetLost { return true }
        guard let error = error as? PSQLError, error.code == .server, let state = error.serverInfo?[.sqlState] else { return false }
        return state == "40001" || state == "40P01"
    }

    /// Maps an error of opening: connecting, logging in, checking and migrating the schema.
    static func opening(_ error: any Error, location: PostgresLocation) -> any Error {
        let error = unwrapped(error)
        if let error = error as? StateStoreError { return error }
        let url = location.redacted
        if let error = error as? PSQLError {
            switch error.code {
            case .server:
                let state = error.serverInfo?[.sqlState] ?? ""
                let message = error.serverInfo?[.message] ?? "PostgreSQL error"
                switch state {
                case "28P01", "28000":
                    return StateStoreError.cannotConnect(
                        url: url, reason: "the server refused the login of user \(location.user) (\(message), SQLSTATE \(state)): check the user and password"
                    )
                case "3D000":
                    return StateStoreError.cannotConnect(
                        url: url, reason: "database \(location.database) does not exist (SQLSTATE 3D000): create it, e.g. CREATE DATABASE \(location.database) OWNER \(location.user)"
                    )
                case "42501":
                    return StateStoreError.cannotConnect(
                        url: url,
                        reason: "user \(location.user) lacks a privilege the store needs (\(message), SQLSTATE 42501): "
                            + "make it the owner of database \(location.database), or grant it CREATE on its schema and read/write on the state tables"
                    )
                case "53300":
                    return StateStoreError.cannotConnect(url: url, reason: "\(message) (SQLSTATE 53300): lower pool_size or raise the server's max_connections")
                default:
                    return StateStoreError.cannotConnect(url: url, reason: "\(message) (SQLSTATE \(state))")
                }
            case .sslUnsupported:
                return StateStoreError.cannotConnect(
                    url: url, reason: "the server does not accept TLS, which sslmode=\(location.sslMode.rawValue) requires: enable ssl on the server, or use sslmode=disable only on a trusted network"
                )
            case .failedToAddSSLHandler, .receivedUnencryptedDataAfterSSLRequest:
                return StateStoreError.cannotConnect(url: url, reason: "TLS could not be set up (\(underlying(error))) with sslmode=\(location.sslMode.rawValue)")
            case .saslError, .unsupportedAuthMechanism, .authMechanismRequiresPassword:
                return StateStoreError.cannotConnect(url: url, reason: "the login of user \(location.user) failed (\(error.code)): check the password and the server's pg_hba.conf")
            default:
                if let tls = tlsReason(error.underlying) {
                    return StateStoreError.cannotConnect(url: url, reason: "TLS with sslmode=\(location.sslMode.rawValue) failed: \(tls)")
                }
                return StateStoreError.cannotConnect(
                    url: url, reason: "the server at \(location.host):\(location.port) cannot be reached (\(underlying(error))): check that it runs and that host and port are right"
                )
            }
        }
        if let tls = tlsReason(error) {
            return StateStoreError.cannotConnect(url: url, reason: "TLS with sslmode=\(location.sslMode.rawValue) failed: \(tls)")
        }
        if let timeout = error as? TimedOut {
            return StateStoreError.cannotConnect(url: url, reason: "no answer from \(location.host):\(location.port) within \(timeout.after)")
        }
        return StateStoreError.cannotConnect(
            url: url, reason: "the server at \(location.host):\(location.port) cannot be reached (\(String(describing: error))): check that it runs and that host and port are right"
        )
    }

    /// Maps an error of `operation` on the open store: transient (`unavailable`, the caller
    /// retries) or not (`refused`).
    static func operation(_ error: any Error, url: String, operation: String) -> any Error {
        let error = unwrapped(error)
        if let error = error as? StateStoreError { return error }
        if error is CancellationError { return error }
        if error is CompareAndSetLost {
            return StateStoreError.unavailable(url: url, operation: operation, reason: "the row kept changing under concurrent writers")
        }
        if let timeout = error as? TimedOut {
            return StateStoreError.unavailable(url: url, operation: operation, reason: "no answer within \(timeout.after)")
        }
        guard let error = error as? PSQLError else {
            return StateStoreError.unavailable(url: url, operation: operation, reason: String(describing: error))
        }
        guard error.code == .server else {
            return StateStoreError.unavailable(url: url, operation: operation, reason: "the connection failed (\(underlying(error)))")
        }
        let state = error.serverInfo?[.sqlState] ?? ""
        let message = error.serverInfo?[.message] ?? "PostgreSQL error"
        let why = "\(message) (SQLSTATE \(state))"
        // Classes that pass: connection (08), serialization/deadlock (40), resources (53),
        // operator intervention (57: shutdown, statement timeout, cancel), lock not available (55P03).
        if ["08", "40", "53", "57"].contains(String(state.prefix(2))) || state == "55P03" || state == "25P03" {
            return StateStoreError.unavailable(url: url, operation: operation, reason: why)
        }
        return StateStoreError.refused(url: url, operation: operation, reason: why)
    }

    /// What failed in a transaction: the body's error first (`withTransaction` wraps it), else
    /// the BEGIN's or the COMMIT's.
    static func unwrapped(_ error: any Error) -> any Error {
        guard let error = error as? PostgresTransactionError else { return error }
        return error.closureError ?? error.beginError ?? error.commitError ?? error.rollbackError ?? error
    }

    /// The underlying error's kind, without anything the caller bound.
    private static func underlying(_ error: PSQLError) -> String {
        error.underlying.map { String(describing: $0) } ?? "\(error.code)"
    }

    /// The TLS failure in `error`, if it is one (certificate refused, handshake failed).
    private static func tlsReason(_ error: (any Error)?) -> String? {
        guard let error else { return nil }
        if let error = error as? NIOSSLError { return "\(error)" }
        if let error = error as? NIOSSLExtraError { return "\(error)" }
        let text = String(describing: error)
        if text.contains("SSL") || text.contains("certificate") || text.contains("handshake") { return text }
        return nil
    }
}
