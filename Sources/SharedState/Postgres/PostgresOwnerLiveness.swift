import Foundation
import Logging
import PostgresNIO

/// Whether a lease holder is known dead, from a lock the server frees when its session ends:
/// the PostgreSQL counterpart of `OwnerLiveness` (flock files), which works across hosts.
///
/// Each process (each open store) holds one session-level advisory lock (`pg_try_advisory_lock`
/// in `PostgresLocks.owners`, on a random key of its own) on one dedicated connection, kept for
/// the process's life, and records every lease owner it acts for in `lease_owners` with that key
/// and when it took the lock. One lock per process, however many owners it names (the token
/// store names one per refresh), so the server's lock table never fills. When the process dies
/// (SIGKILL, crash, OOM kill, host lost) its connection closes and the server frees the lock;
/// another process that finds the lock free (`pg_try_advisory_xact_lock` succeeds) knows the
/// holder is gone and may take its lease at once instead of waiting for the TTL.
///
/// Unknown is never dead: an owner with no row (another release, or its lock was never taken),
/// or a row recorded before the server last started (`pg_postmaster_start_time()`: after a
/// restart every lock is free until its process reconnects and takes it again, which records its
/// owners anew) answer "not known gone", and the TTL applies as before. What remains: a holder
/// cut off from the server (its session ended while it lives) passes for dead, as it would once
/// its lease expired; it learns it at its next renewal and stops acting as the holder.
actor PostgresOwnerLiveness {
    private let configuration: PostgresConnection.Configuration
    private let logger: Logger
    private var connection: PostgresConnection?
    /// This process's lock key; a new one is drawn if another live process holds it.
    private var key = Int32.random(in: Int32.min...Int32.max)
    /// Whether `key` is locked on `connection`.
    private var locked = false
    /// Owners recorded under `key` since the lock was last taken.
    private var recorded: Set<String> = []
    /// Every owner this process acts for (recorded again after a reconnection).
    private var owners: Set<String> = []
    private var closed = false
    /// The reconnection under way: callers that arrive meanwhile wait for it. Without it each
    /// caller (an ingest process takes 70 leases at once) opened a connection of its own at each
    /// await, each replaced the one before, and the replaced ones were released still open
    /// (PostgresNIO's assertion crashed the worker; a release build leaked locked sessions).
    private var reconnecting: Task<PostgresConnection, any Error>?

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

    /// Records `owner` as acting for this process, whose lock is held for the rest of its life
    /// (idempotent; after a lost connection, reconnects, locks again and records every owner
    /// anew). Best effort: a failure leaves the owner unknown to the others, who then wait for
    /// the TTL.
    func markAlive(_ owner: String) async {
        guard !closed else { return }
        owners.insert(owner)
        if locked, recorded.contains(owner), let connection, !connection.isClosed { return }
        do {
            let connection = try await lockedConnection()
            for name in owners.subtracting(recorded) {
                try await connection.query(
                    """
                    INSERT INTO lease_owners (owner, lock_key, locked_at) VALUES (\(name), \(key), now())
                    ON CONFLICT (owner) DO UPDATE SET lock_key = excluded.lock_key, locked_at = excluded.locked_at
                    """, logger: logger)
                recorded.insert(name)
            }
        } catch {
            logger.debug("liveness lock not taken; other processes wait for the lease TTL", metadata: ["owner": "\(owner)", "error": "\(error)"])
        }
    }

    /// True only when `owner` was recorded since the server started and nobody holds its
    /// process's lock now. Runs on `connection` (a pool connection, outside any transaction: the
    /// lock taken to test lasts one statement). The dead process's rows are removed then (owner
    /// ids are unique per process, and so is a key among live processes), unless `forgetting` is
    /// false (a look that takes nothing leaves them to the acquisition that follows).
    static func isGone(_ owner: String, on connection: PostgresConnection, forgetting: Bool = true, logger: Logger) async throws -> Bool {
        let free = try await connection.query(
            """
            SELECT lock_key, pg_try_advisory_xact_lock(\(PostgresLocks.owners), lock_key) AS free FROM lease_owners
            WHERE owner = \(owner) AND locked_at >= pg_postmaster_start_time()
            """, logger: logger
        ).rows().first
        guard let free, try free.value("free", as: Bool.self) else { return false }
        guard forgetting else { return true }
        let key = try free.value("lock_key", as: Int32.self)
        try await connection.query("DELETE FROM lease_owners WHERE lock_key = \(key)", logger: logger)
        return true
    }

    /// Closes the dedicated connection: this process's owners pass for dead from now on.
    func close() async {
        closed = true
        let connection = self.connection
        self.connection = nil
        try? await connection?.close()
    }

    /// The dedicated connection with this process's lock held: opened again after it was lost,
    /// and the lock taken again (on a new key if a live process holds this one).
    private func lockedConnection() async throws -> PostgresConnection {
        if let connection, !connection.isClosed, locked { return connection }
        if let reconnecting { return try await reconnecting.value }
        let task = Task { try await self.lockAnew() }
        reconnecting = task
        defer { reconnecting = nil }
        return try await task.value
    }

    /// `lockedConnection`'s work, one at a time.
    private func lockAnew() async throws -> PostgresConnection {
        let current: PostgresConnection
        if let connection, !connection.isClosed {
            current = connection
        } else {
            current = try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
            connection = current
            locked = false
        }
        recorded = []
        for _ in 0..<8 {
            let taken =
                try await current.query(
                    "SELECT pg_try_advisory_lock(\(PostgresLocks.owners), \(key))", logger: logger
                ).collect(Bool.self).first ?? false
            if taken {
                locked = true
                // Rows of processes gone since (whose lock is free) are of no use to anyone.
                try await current.query(
                    """
                    DELETE FROM lease_owners WHERE lock_key <> \(key) AND pg_try_advisory_xact_lock(\(PostgresLocks.owners), lock_key)
                    """, logger: logger)
                return current
            }
            key = Int32.random(in: Int32.min...Int32.max)
        }
        throw PostgresErrorMapping.CompareAndSetLost()
    }
}
