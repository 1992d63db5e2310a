import Foundation
import KiamoTwitter
import Logging
import SharedState
internal import URLRedaction

/// `kiamo-twitter state migrate`: copies a deployment's whole state (tokens, cursors, ledgers,
/// leases, recipient lines, budgets, the cache) from one store to another, e.g. from the SQLite
/// file of a single host to the PostgreSQL database of a scaled deployment, with the workers stopped.
///
/// Refuses while any lease in the source is live (a worker may still be writing: what it wrote
/// after the copy would be lost) and when the target holds any record (nothing is merged or
/// overwritten). After the copy it reads the target back and compares every record with what
/// was read from the source.
public struct StateMigration: Sendable {
    let logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    /// Copies `from` into `to` (both state URLs); `now` decides which leases are live.
    public func migrate(from source: String, to target: String, options: StateStoreOptions = StateStoreOptions(),
                        now: Date = Date()) async throws -> StateMigrationReport {
        let from = URLRedactor.redact(source)
        let to = URLRedactor.redact(target)
        if case .sqlite(let location) = try StateStoreURL(parsing: source), !FileManager.default.fileExists(atPath: location.path) {
            throw AdminError.usage("--from: the state file \(location.path) does not exist")
        }
        guard try StateStoreURL(parsing: source) != StateStoreURL(parsing: target) else {
            throw AdminError.usage("--from and --to name the same store (\(from))")
        }
        let sourceStore = try await openStateStore(url: source, options: options, logger: logger)
        let targetStore = try await openStateStore(url: target, options: options, logger: logger)
        let tables = try await sourceStore.exportTables()
        let live = StateMigrationRules.liveLeases(in: tables, at: now)
        if let lease = live.first {
            throw AdminError.failed("the source holds \(live.count) live lease(s) (e.g. \(lease.name) of account \(lease.account), "
                + "held by \(lease.owner) until \(AdminJSON.time(lease.expiresAt))): stop every worker, wait for their leases "
                + "to expire, then run the migration again")
        }
        try await targetStore.importTables(tables)
        let copied = try await targetStore.exportTables()
        let mismatches = StateMigrationRules.mismatches(source: tables, target: copied)
        guard mismatches.isEmpty else {
            throw AdminError.failed("the copy in \(to) differs from \(from) in \(mismatches.joined(separator: ", ")): "
                + "do not start the workers on it; drop the target and run the migration again")
        }
        return StateMigrationReport(
            from: from, to: to,
            tables: tables.map { StateMigrationReport.Table(name: $0.name, records: $0.rows.count) },
            verified: true
        )
    }
}
