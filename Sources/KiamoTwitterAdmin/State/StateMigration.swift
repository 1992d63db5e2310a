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

    /// The store `url` names; a URL that names none is a usage error naming `option`.
    static func location(_ url: String, option: String) throws -> StateStoreURL {
        do {
            return try StateStoreURL(parsing: url)
        } catch {
            throw AdminError.usage("\(option): \(error)")
        }
    }

    /// The store `url` names, opened; a failure names `option`, not the configuration's `state.url`.
    static func open(_ url: String, option: String, options: StateStoreOptions, logger: Logger) async throws -> any StateStore {
        do {
            return try await openStateStore(url: url, options: options, logger: logger)
        } catch {
            throw AdminError.failed("state store \(option) \(URLRedactor.redact(url)): \(error)")
        }
    }

    /// Copies `from` into `to` (both state URLs); `now` decides which leases are live.
    public func migrate(
        from source: String, to target: String, options: StateStoreOptions = StateStoreOptions(),
        now: Date = Date()
    ) async throws -> StateMigrationReport {
        let from = URLRedactor.redact(source)
        let to = URLRedactor.redact(target)
        let sourceLocation = try Self.location(source, option: "--from")
        if case .sqlite(let location) = sourceLocation, !FileManager.default.fileExists(atPath: location.path) {
            throw AdminError.usage("--from: the state file \(location.path) does not exist")
        }
        guard try sourceLocation != Self.location(target, option: "--to") else {
            throw AdminError.usage("--from and --to name the same store (\(from))")
        }
        let sourceStore = try await Self.open(source, option: "--from", options: options, logger: logger)
        let targetStore = try await Self.open(target, option: "--to", options: options, logger: logger)
        let tables = try await sourceStore.exportTables()
        let live = StateMigrationRules.liveLeases(in: tables, at: now)
        if let lease = live.first {
            throw AdminError.failed(
                "the source holds \(live.count) live lease(s) (e.g. \(lease.name) of account \(lease.account), "
                    + "held by \(lease.owner) until \(AdminJSON.time(lease.expiresAt))): stop every worker, wait for their leases "
                    + "to expire, then run the migration again")
        }
        try await targetStore.importTables(tables)
        let copied = try await targetStore.exportTables()
        let mismatches = StateMigrationRules.mismatches(source: tables, target: copied)
        guard mismatches.isEmpty else {
            throw AdminError.failed(
                "the copy in \(to) differs from \(from) in \(mismatches.joined(separator: ", ")): "
                    + "do not start the workers on it; drop the target and run the migration again")
        }
        return StateMigrationReport(
            from: from, to: to,
            tables: tables.map { StateMigrationReport.Table(name: $0.name, records: $0.rows.count) },
            verified: true
        )
    }
}
