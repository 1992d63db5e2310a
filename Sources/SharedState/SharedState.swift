// SharedState: the common state module. Every worker process of a deployment (ingest, dispatch,
// the command-line tester) shares through it, per X account: the OAuth 2.0 token pair and its
// single-flight refresh, the user/conversation cache, the inbound cursor and ledger, the send
// ledger, leases and rate-limit budgets.
//
// One contract, split by role: `TokenStorage`, `LeaseStorage`, `ConversationCache`,
// `InboundLedger`, `SendLedger` (with the delivery counts), `RecipientLines`, `RateLimitBudgets`,
// `StateExport` and `StateTransfer`. Each engine depends on the roles it uses; `StateStore` is all
// of them plus the options, what a backend implements, `openStateStore` returns and the admin tool
// uses. The SQLite backend (`SQLiteStateStore`) serves processes on one host, the PostgreSQL
// backend (`PostgresStateStore`) processes on several hosts (leases with TTLs and compare-and-set,
// never file locks or transactions held across network calls; time read from the server).
//
// Dependencies: URLRedaction, XIdentifiers, GRDB, PostgresNIO and swift-log, nothing else. The module stores its own
// records (`TokenPair`, `CachedUser`, `RateLimitObservation`) and knows no X client: the core
// adapts the X client to it (`KiamoTwitter/State`: `SharedOAuth2TokenStore` and the
// conversions), so the module map reads one way.
//
// Threading rule: every SQLite call runs on GRDB's own dispatch queues (one writer connection and
// a pool of readers per process); async callers await them, so no blocking SQLite call or file
// I/O ever runs on Swift's cooperative pool. Opening a file and writing debug exports also go
// through `BlockingIO`, a dispatch queue of their own.

import Logging

/// Opens the state store a URL names: `sqlite:///absolute/path/state.db[?synchronous=full]` or
/// `postgres://user:password@host:5432/db[?sslmode=verify-full&...]`.
///
/// Creates and migrates the file or the tables when needed; fails with an actionable
/// `StateStoreError` when the file is unreadable or corrupt, the server unreachable or refusing,
/// or the schema from a newer version of the workers. Never resets existing state.
public func openStateStore(
    url: String,
    options: StateStoreOptions = StateStoreOptions(),
    logger: Logger
) async throws -> any StateStore {
    let parsed = try StateStoreURL(parsing: url)
    switch parsed {
    case .sqlite(let location):
        return try await SQLiteStateStore.open(location, options: options, logger: logger)
    case .postgres(let location):
        return try await PostgresStateStore.open(location, options: options, logger: logger)
    }
}
