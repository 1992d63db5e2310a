import Foundation
import Logging
import PostgresNIO

/// Whether a lease holder is known dead, from a lock the server frees when its session ends:
/// the PostgreSQL counterpart of `OwnerLiveness` (flock files), which works across hosts.
///
/// Each owner that takes a lease holds a session-level advisory lock (`pg_try_advisory_lock` in
/// `PostgresLocks.owners`, keyed by a hash of its id) on one dedicated connection of its process,
/// kept for the process's life, and records itself in `lease_owners` with when it took the lock.
/// When the process dies (SIGKILL, crash, OOM kill, host lost) its connection closes and the
/// server frees the lock; another process that finds the lock free (`pg_try_advisory_xact_lock`
/// succeeds) knows the holder is gone and may take its lease at once instead of waiting for the TTL.
///
/// Unknown is never dead: an owner with no row (another release, or it never took its lock), a
/// hash shared with a live owner, or a row whose lock was taken before the server last started
/// (`pg_postmaster_start_time()`: after a restart every lock is free until its holder reconnects
/// and takes it again) all answer "not known gone", and the TTL applies as before. What remains:
/// a holder cut off from the server (its session ended) passes for dead, as it would once its
/// lease expired; it learns it at its next renewal, and stops acting as the holder.
actor PostgresOwnerLiveness {
    private let configuration: PostgresConnection.Configuration
    private let logger: Logger
    private var connection: PostgresConnection?
    /// Owners this process marked alive, and whether their lock is held on `connection`.
    private var owners: [String: Bool] = [:]
    private var closed = false

    init(configuration: PostgresConnection.Configuration, connection: PostgresConnection, logger: Logger) {
        self.configuration = configuration
        self.connection = connection
        self.logger = logger
    }

    deinit {
        // A connection must be closed before it is released; the task keeps it until then.
        if let connection, !connection.isClosed {
            Task { try? await connection.close() }
        }
    }

    /// Takes `owner`'s lock for the rest of this process's life (idempotent; after a lost
    /// connection, reconnects and takes every owner's lock again). Best effort: a failure leaves
    /// the owner unknown to the others, who then wait for the TTL.
    func markAlive(_ owner: String) async {
        guard !closed else { return }
        if owners[owner] == true, let connection, !connection.isClosed { return }
        owners[owner] = owners[owner] ?? false
        do {
            let connection = try await openConnection()
            for (name, held) in owners where !held || connection !== self.connection {
                owners[name] = try await lock(name, on: connection)
            }
        } catch {
            logger.debug("liveness lock not taken; other processes wait for the lease TTL", metadata: ["owner": "\(owner)", "error": "\(error)"])
        }
    }

    /// True only when `owner` recorded its lock since the server started and nobody holds it now.
    /// Runs on `connection` (a pool connection, outside any transaction: the lock taken to test
    /// lasts one statement). Its row is removed then: owner ids are unique per process.
    static func isGone(_ owner: String, on connection: PostgresConnection, logger: Logger) async throws -> Bool {
        let free = try await connection.query("""
            SELECT pg_try_advisory_xact_lock(\(PostgresLocks.owners), lock_key) FROM lease_owners
            WHERE owner = \(owner) AND locked_at >= pg_postmaster_start_time()
            """, logger: logger).collect(Bool.self).first ?? false
        if free {
            try await connection.query("DELETE FROM lease_owners WHERE owner = \(owner)", logger: logger)
        }
        return free
    }

    /// Closes the dedicated connection: this process's owners pass for dead from now on.
    func close() async {
        closed = true
        let connection = self.connection
        self.connection = nil
        try? await connection?.close()
    }

    private func openConnection() async throws -> PostgresConnection {
        if let connection, !connection.isClosed { return connection }
        let fresh = try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
        connection = fresh
        for name in owners.keys { owners[name] = false }
        return fresh
    }

    private func lock(_ owner: String, on connection: PostgresConnection) async throws -> Bool {
        let key = PostgresLocks.key(owner)
        let locked = try await connection.query(
            "SELECT pg_try_advisory_lock(\(PostgresLocks.owners), \(key))", logger: logger
        ).collect(Bool.self).first ?? false
        guard locked else { return false }  // a live owner shares the hash: stay unknown
        try await connection.query("""
            INSERT INTO lease_owners (owner, lock_key, locked_at) VALUES (\(owner), \(key), now())
            ON CONFLICT (owner) DO UPDATE SET lock_key = excluded.lock_key, locked_at = excluded.locked_at
            """, logger: logger)
        return true
    }
}
