import Foundation
import GRDB
import Logging

/// The SQLite backend: one file shared by every worker process on a host (or one volume).
///
/// WAL mode, so readers never block the writer; each write is one `BEGIN IMMEDIATE` transaction
/// (the write lock is taken up front, so two processes never deadlock upgrading a read), and
/// `SQLiteBusyHandler` makes a writer wait for another process's commit (up to the URL's
/// `busy_timeout_ms`) instead of failing. Transactions only span the read and the
/// compare-and-set of one operation, never a network call. Durability: see `SQLiteSynchronous`
/// (`synchronous=NORMAL` by default survives any process crash).
///
/// Expiries (leases, claims, cache, budgets) are computed from `StateStoreOptions.clock`, the
/// system wall clock by default: every process on the host reads the same one.
///
/// Every operation runs on GRDB's dispatch queues and is awaited: nothing blocks the caller's
/// thread. Several instances (in one process or many) may share the file.
public final class SQLiteStateStore: StateStore {
    /// The policies this store applies.
    public let options: StateStoreOptions
    /// The database file's path (named in every error).
    public let file: String
    let pool: DatabasePool
    /// Every write goes through it: writes made at once share one transaction.
    let writes: SQLiteGroupCommit
    let logger: Logger
    /// Lease holders known dead (`<file>.owners`): a standby takes their lease without the TTL.
    let liveness: OwnerLiveness

    private init(pool: DatabasePool, file: String, options: StateStoreOptions, logger: Logger) {
        self.pool = pool
        self.writes = SQLiteGroupCommit(pool: pool)
        self.file = file
        self.options = options
        self.logger = logger
        self.liveness = OwnerLiveness.beside(stateFile: file)
    }

    /// Opens (creating if needed) and migrates the state file at `location`.
    ///
    /// Throws `StateStoreError.cannotOpen` (folder missing, permissions), `.unreadable` (corrupt
    /// or not ours) or `.newerSchema` (written by newer workers); the file is never reset.
    public static func open(_ location: SQLiteLocation, options: StateStoreOptions = StateStoreOptions(), logger: Logger) async throws -> SQLiteStateStore {
        let file = location.path
        let pool = try await BlockingIO.run {
            try checkLocation(file)
            // SQLite would create the file (and give its -wal and -shm the same mode) under the
            // process's umask, world-readable under the usual 022: the file holds OAuth tokens.
            do {
                try PrivateFiles.createFile(file)
            } catch let error as PrivateFiles.Failure {
                throw StateStoreError.cannotOpen(file: file, reason: error.reason)
            }
            var configuration = Configuration()
            configuration.label = "SharedState"
            let busy = SQLiteBusyHandler(timeout: location.busyTimeout)
            configuration.busyMode = .callback { busy.shouldRetry(afterTries: $0) }
            // Opening a new file switches it to WAL, which needs an exclusive lock for which
            // SQLite does not call the busy handler: workers started together on a new file would
            // fail at once. Retry the opening itself, up to the busy timeout. (This runs on
            // BlockingIO's queue, never on the cooperative pool.)
            let deadline = ContinuousClock.now + location.busyTimeout
            while true {
                do {
                    return try DatabasePool(path: file, configuration: configuration)
                } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY && ContinuousClock.now < deadline {
                    usleep(2_000)
                } catch {
                    throw SQLiteErrorMapping.opening(error, file: file)
                }
            }
        }
        let outcome: SQLiteSchema.Outcome
        do {
            outcome = try await pool.writeWithoutTransaction { db in
                if location.synchronous == .full {
                    // After GRDB's WAL set-up, which chose NORMAL.
                    try db.execute(sql: "PRAGMA synchronous = FULL")
                }
                var outcome: SQLiteSchema.Outcome?
                try db.inTransaction(.immediate) {
                    outcome = try SQLiteSchema.prepare(db, file: file)
                    return .commit
                }
                return outcome ?? SQLiteSchema.Outcome(foundVersion: SQLiteSchema.version, migratedTo: SQLiteSchema.version)
            }
        } catch {
            throw SQLiteErrorMapping.opening(error, file: file)
        }
        if outcome.foundVersion != outcome.migratedTo {
            logger.info(
                "state file migrated",
                metadata: [
                    "file": "\(file)", "from": "\(outcome.foundVersion)", "to": "\(outcome.migratedTo)",
                ])
        }
        return SQLiteStateStore(pool: pool, file: file, options: options, logger: logger)
    }

    /// Clear errors for what SQLite would only call "unable to open database file".
    private static func checkLocation(_ file: String) throws {
        let folder = (file as NSString).deletingLastPathComponent
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw StateStoreError.cannotOpen(file: file, reason: "the folder \(folder) does not exist")
        }
        if FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory) {
            if isDirectory.boolValue {
                throw StateStoreError.cannotOpen(file: file, reason: "it is a folder, not a file")
            }
            guard FileManager.default.isReadableFile(atPath: file) else {
                throw StateStoreError.cannotOpen(file: file, reason: "the file is not readable by this user")
            }
        } else if !FileManager.default.isWritableFile(atPath: folder) {
            throw StateStoreError.cannotOpen(file: file, reason: "the folder \(folder) is not writable by this user")
        }
    }

    /// Runs `body` as one all-or-nothing write in an immediate transaction, shared with the
    /// writes made at the same time (`SQLiteGroupCommit`); SQLite errors become
    /// `StateStoreError`s. `operation` is only formatted for an error.
    func write<T: Sendable>(_ operation: @autoclosure () -> String, _ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await writes.write(body)
        } catch {
            throw SQLiteErrorMapping.operation(error, file: file, operation: operation())
        }
    }

    /// Runs `body` in a read transaction on a reader connection (a consistent snapshot).
    func read<T: Sendable>(_ operation: @autoclosure () -> String, _ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await pool.read(body)
        } catch {
            throw SQLiteErrorMapping.operation(error, file: file, operation: operation())
        }
    }

    /// The store's clock, read once per operation.
    func now() -> Date { options.clock.now() }
}
