import GRDB
import Synchronization

/// Group commit: the writes callers make at the same time run in one SQLite transaction, each in
/// a savepoint of its own, and each caller resumes once that transaction committed.
///
/// A dispatch worker makes about ten small writes per DM (line, claim, budget, post, sent,
/// report, delivery counts), hundreds in flight at once. One transaction each spent most of the
/// store's time in what every transaction pays whatever it holds: the hop to GRDB's writer
/// queue and back, `BEGIN IMMEDIATE` and `COMMIT` (each parsed again by GRDB), and the WAL
/// frames of pages the next write dirties again. Here the writes that queued while one
/// transaction ran share the next.
///
/// What each caller sees is what a transaction of its own gives: its write is all or nothing
/// (a savepoint rolled back when its body throws, which then fails that caller alone), later
/// writes see it, and it is durable when the caller resumes. A failure of the transaction itself
/// (`BEGIN` past the busy timeout, `COMMIT`, an I/O error that aborts it) fails every write it
/// held that had not failed on its own: none of them is in the file, and callers retry a failed
/// write as before. Writes run in the order they were submitted.
final class SQLiteGroupCommit: Sendable {
    /// At most this many writes share a transaction, so another process waiting for the write
    /// lock (the busy handler) is not held behind an unbounded one.
    static let maxBatch = 256

    private struct State {
        var queued: [any SQLiteGroupCommitJob] = []
        var draining = false
    }

    private let pool: DatabasePool
    private let state = Mutex(State())

    init(pool: DatabasePool) {
        self.pool = pool
    }

    /// Runs `body` in the next shared transaction; returns once it is committed.
    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            submit(Job(body: body, continuation: continuation))
        }
    }

    private func submit(_ job: any SQLiteGroupCommitJob) {
        let startDrain = state.withLock { state in
            state.queued.append(job)
            guard !state.draining else { return false }
            state.draining = true
            return true
        }
        // On GRDB's writer queue (a dispatch queue of its own): SQLite's blocking calls never
        // run on Swift's cooperative pool.
        if startDrain { pool.asyncWriteWithoutTransaction { [self] db in drain(db) } }
    }

    /// Runs transactions until nothing is queued.
    private func drain(_ db: Database) {
        while true {
            let batch: [any SQLiteGroupCommitJob] = state.withLock { state in
                guard !state.queued.isEmpty else {
                    state.draining = false
                    return []
                }
                let count = min(state.queued.count, Self.maxBatch)
                let batch = Array(state.queued.prefix(count))
                state.queued.removeFirst(count)
                return batch
            }
            if batch.isEmpty { return }
            commit(batch, db)
        }
    }

    private func commit(_ batch: [any SQLiteGroupCommitJob], _ db: Database) {
        // BEGIN and COMMIT prepared once per connection: GRDB's `inTransaction` parses both again
        // for every transaction (5 % of the dispatch worker's CPU with small batches).
        do {
            try db.cachedStatement(sql: "BEGIN IMMEDIATE TRANSACTION").execute()
        } catch {
            for job in batch { job.finish(transactionError: error) }
            return
        }
        do {
            for job in batch {
                // SQLite rolls the whole transaction back itself on some errors (a full
                // disk, an I/O error): the writes before are gone, and a savepoint after
                // would open a transaction of its own. Fail them all with that cause.
                guard job.run(db) else {
                    throw job.failure ?? DatabaseError(resultCode: .SQLITE_ABORT, message: "the shared transaction was rolled back")
                }
            }
            try db.cachedStatement(sql: "COMMIT TRANSACTION").execute()
            for job in batch { job.finish(transactionError: nil) }
        } catch {
            // GRDB's rollback is a no-op when SQLite already rolled back, and never leaves the
            // transaction open (the writer queue must not end this turn inside one).
            try? db.rollback()
            for job in batch { job.finish(transactionError: error) }
        }
    }
}

/// One write waiting for its transaction.
private protocol SQLiteGroupCommitJob: Sendable {
    /// Runs the write in a savepoint, keeping its outcome (on the writer queue). False when the
    /// transaction can no longer commit: SQLite rolled it back, or a failed write could not be
    /// undone alone.
    func run(_ db: Database) -> Bool
    /// The write's own error, once it ran and failed.
    var failure: (any Error)? { get }
    /// Resumes the caller: with its outcome, or with `transactionError` when the transaction
    /// did not commit and its own write had not failed already.
    func finish(transactionError: (any Error)?)
}

private final class Job<T: Sendable>: SQLiteGroupCommitJob, @unchecked Sendable {
    let body: @Sendable (Database) throws -> T
    let continuation: CheckedContinuation<T, any Error>
    /// Written and read on the writer queue only (run, then finish, in one drain turn).
    private var outcome: Result<T, any Error>?

    init(body: @escaping @Sendable (Database) throws -> T, continuation: CheckedContinuation<T, any Error>) {
        self.body = body
        self.continuation = continuation
    }

    func run(_ db: Database) -> Bool {
        // GRDB's `inSavepoint` parses these three statements again for every write; prepared
        // once per connection here.
        do {
            try db.cachedStatement(sql: "SAVEPOINT kiamo_write").execute()
        } catch {
            outcome = .failure(error)
            return db.isInsideTransaction
        }
        do {
            let value = try body(db)
            try db.cachedStatement(sql: "RELEASE SAVEPOINT kiamo_write").execute()
            outcome = .success(value)
            return true
        } catch {
            outcome = .failure(error)
            // SQLite may have rolled the whole transaction back already (then nothing is left to undo).
            guard db.isInsideTransaction else { return false }
            do {
                try db.cachedStatement(sql: "ROLLBACK TO SAVEPOINT kiamo_write").execute()
                try db.cachedStatement(sql: "RELEASE SAVEPOINT kiamo_write").execute()
                return true
            } catch {
                // Its half-done changes cannot be undone alone: the whole transaction must go.
                return false
            }
        }
    }

    var failure: (any Error)? {
        if case .failure(let error) = outcome { return error }
        return nil
    }

    func finish(transactionError: (any Error)?) {
        switch outcome {
        case .failure(let error):
            continuation.resume(throwing: error)
        case .success(let value):
            if let transactionError {
                continuation.resume(throwing: transactionError)
            } else {
                continuation.resume(returning: value)
            }
        case nil:
            // Never ran: the transaction failed before it (BEGIN, or aborted by an earlier write).
            continuation.resume(throwing: transactionError ?? DatabaseError(resultCode: .SQLITE_ABORT, message: "the shared transaction ended before this write ran"))
        }
    }
}
