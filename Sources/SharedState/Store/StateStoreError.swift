import Foundation

/// Why the state store failed, with what to do about it.
///
/// Errors name the file, the account or the key involved, never a token or a password.
public enum StateStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The state URL in the configuration is malformed.
    case invalidURL(url: String, reason: String)
    /// The URL names a backend this build does not include (none today; kept for builds that
    /// leave one out).
    case backendNotBuilt(url: String, backend: String)
    /// The file could not be opened or created (missing folder, permissions, read-only volume).
    case cannotOpen(file: String, reason: String)
    /// The file exists but is not a readable kiamo-twitter state database (corrupt, truncated,
    /// encrypted, another program's database).
    case unreadable(file: String, reason: String)
    /// The file was written by a newer version of the workers.
    case newerSchema(file: String, found: Int, supported: Int)
    /// A database operation failed after the file was opened (disk full, I/O error, busy for
    /// longer than the busy timeout).
    case database(file: String, operation: String, reason: String)
    /// A DM event id that is not a positive 64-bit integer.
    case invalidEventID(String)
    /// No OAuth 2.0 token pair is stored for the account.
    case noToken(account: String)
    /// X refused the stored refresh token and no other process has stored a newer pair.
    case refreshRejected(account: String)
    /// Another process held the token-refresh lease and no new pair appeared in time.
    case refreshTimedOut(account: String, waited: Duration)
    /// Writing the debug export failed.
    case exportFailed(path: String, reason: String)
    /// A migration's target store already holds records (`state migrate` copies only into an
    /// empty store, so nothing is merged or overwritten by mistake).
    case notEmpty(store: String, tables: [String])
    /// The PostgreSQL state database could not be opened: server unreachable, login refused,
    /// database missing, TLS refused or unverifiable, privileges missing. `url` is masked.
    case cannotConnect(url: String, reason: String)
    /// The PostgreSQL state database holds a schema newer than this worker's.
    case newerDatabaseSchema(url: String, found: Int, supported: Int)
    /// A PostgreSQL operation failed for a reason that passes (connection lost, server restarting,
    /// a statement or a wait for a connection timed out, contention retried out): the same call
    /// later may succeed. `url` is masked.
    case unavailable(url: String, operation: String, reason: String)
    /// A PostgreSQL operation was refused for a reason that does not pass by itself (privileges,
    /// a constraint, a schema changed under the worker). `url` is masked.
    case refused(url: String, operation: String, reason: String)

    /// What failed, with which file, account or key, and what to do.
    public var description: String {
        switch self {
        case .invalidURL(let url, let reason):
            "state URL '\(url)' is invalid: \(reason)"
        case .backendNotBuilt(let url, let backend):
            "state URL '\(url)' names the \(backend) backend, which is not built in this version; "
                + "use sqlite:///absolute/path/state.db (every worker on this host pointing at the same file)"
        case .cannotOpen(let file, let reason):
            "cannot open the state file \(file): \(reason). Check that its folder exists and that the worker's user may create and write files there"
        case .unreadable(let file, let reason):
            "the state file \(file) is unreadable: \(reason). Stop the workers, then restore the file from a backup, "
                + "or move it (with its -wal and -shm files) aside to start with an empty state "
                + "(then sign in again with `kiamo-twitter auth login`). It was left untouched"
        case .newerSchema(let file, let found, let supported):
            "the state file \(file) has schema version \(found), newer than the \(supported) this worker supports: "
                + "a newer version of kiamo-twitter wrote it. Upgrade every worker sharing the file to that version; the file was left untouched"
        case .database(let file, let operation, let reason):
            "state file \(file): \(operation) failed: \(reason)"
        case .invalidEventID(let id):
            "'\(id)' is not a DM event id (a positive 64-bit integer)"
        case .noToken(let account):
            "no OAuth 2.0 token is stored for account \(account): sign in with `kiamo-twitter auth login` "
                + "or configure its refresh token"
        case .refreshRejected(let account):
            "X refused the stored refresh token of account \(account) (revoked, or used outside this deployment): "
                + "sign in again with `kiamo-twitter auth login`"
        case .refreshTimedOut(let account, let waited):
            "account \(account): another worker held the token-refresh lease and no new token appeared within \(waited); "
                + "check that worker's logs (X may be slow or unreachable)"
        case .exportFailed(let path, let reason):
            "cannot write the debug export \(path): \(reason)"
        case .notEmpty(let store, let tables):
            "the state store \(store) already holds records (\(tables.joined(separator: ", "))): "
                + "a migration copies only into an empty store; point --to at a new database or file"
        case .cannotConnect(let url, let reason):
            "cannot open the PostgreSQL state store \(url) (state.url): \(reason)"
        case .newerDatabaseSchema(let url, let found, let supported):
            "the PostgreSQL state store \(url) (state.url) has schema version \(found), newer than the \(supported) this worker supports: "
                + "a newer version of kiamo-twitter wrote it. Upgrade every worker sharing the database to that version; it was left untouched"
        case .unavailable(let url, let operation, let reason):
            "PostgreSQL state store \(url) (state.url): \(operation) failed for now: \(reason); it is retried"
        case .refused(let url, let operation, let reason):
            "PostgreSQL state store \(url) (state.url): \(operation) was refused: \(reason)"
        }
    }
}
