import Foundation
internal import URLRedaction

/// Where the shared state lives, parsed from the URL in the configuration.
///
/// Accepted forms:
/// - `sqlite:///absolute/path/state.db`: the SQLite backend on that file (created when missing,
///   its folder must exist). Only absolute paths: workers started from different folders (or
///   containers) must agree on one file, and a relative path would silently give each its own.
///   Query parameters: `synchronous=normal|full` (see `SQLiteSynchronous`) and
///   `busy_timeout_ms=N` (how long a write waits for another process's write, default 5000).
/// - `postgres://user:password@host:5432/db` or `postgresql://...`: the PostgreSQL backend on
///   that database (it must exist; the store creates its tables). Query parameters: `sslmode`,
///   `sslrootcert`, `application_name`, `pool_size`, `statement_timeout_ms` (see
///   `PostgresLocation`).
public enum StateStoreURL: Sendable, Hashable {
    case sqlite(SQLiteLocation)
    case postgres(PostgresLocation)

    /// Parses `text`; throws `StateStoreError.invalidURL` saying what is wrong and the expected form.
    public init(parsing text: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let lowered = trimmed.lowercased()
        if lowered.hasPrefix("postgres://") || lowered.hasPrefix("postgresql://") {
            self = .postgres(try PostgresLocation(parsing: trimmed))
            return
        }
        guard lowered.hasPrefix("sqlite:") else {
            throw StateStoreError.invalidURL(url: Self.redactingPassword(trimmed), reason: "unknown scheme; expected sqlite:///absolute/path/state.db or postgres://user:password@host:5432/database")
        }
        let rest = trimmed.dropFirst("sqlite:".count)
        guard rest.hasPrefix("///") else {
            throw StateStoreError.invalidURL(
                url: Self.redactingPassword(trimmed),
                reason: "the path must be absolute, written with three slashes: sqlite:///var/lib/kiamo-twitter/state.db"
            )
        }
        let pathAndQuery = rest.dropFirst(2) // keeps the path's leading "/"
        let parts = pathAndQuery.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        guard let rawPath = parts.first, let path = String(rawPath).removingPercentEncoding, path.count > 1 else {
            throw StateStoreError.invalidURL(url: Self.redactingPassword(trimmed), reason: "no file path after sqlite:///")
        }
        guard !path.hasSuffix("/") else {
            throw StateStoreError.invalidURL(url: Self.redactingPassword(trimmed), reason: "the path names a folder; name the database file, e.g. sqlite:///var/lib/kiamo-twitter/state.db")
        }
        var location = SQLiteLocation(path: path)
        if parts.count == 2 {
            for pair in parts[1].split(separator: "&") where !pair.isEmpty {
                let keyValue = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let key = String(keyValue[0]).lowercased()
                let value = keyValue.count == 2 ? String(keyValue[1]).lowercased() : ""
                switch key {
                case "synchronous":
                    guard let mode = SQLiteSynchronous(rawValue: value) else {
                        throw StateStoreError.invalidURL(url: Self.redactingPassword(trimmed), reason: "synchronous must be normal or full")
                    }
                    location.synchronous = mode
                case "busy_timeout_ms":
                    guard let milliseconds = Int(value), milliseconds > 0 else {
                        throw StateStoreError.invalidURL(url: Self.redactingPassword(trimmed), reason: "busy_timeout_ms must be a positive number of milliseconds")
                    }
                    location.busyTimeout = .milliseconds(milliseconds)
                default:
                    throw StateStoreError.invalidURL(url: Self.redactingPassword(trimmed), reason: "unknown parameter '\(key)'; known: synchronous, busy_timeout_ms")
                }
            }
        }
        self = .sqlite(location)
    }

    /// The URL as `URLRedactor` prints it (user information masked), for an error or a log line.
    static func redactingPassword(_ url: String) -> String {
        URLRedactor.redact(url)
    }
}
