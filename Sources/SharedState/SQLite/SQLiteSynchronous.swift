/// How hard SQLite pushes commits to the disk (`PRAGMA synchronous`, in WAL mode).
public enum SQLiteSynchronous: String, Sendable, Hashable {
    /// The default. A commit is in the WAL file when the call returns, so a **process** crash
    /// (SIGKILL, a fault) never loses it; the WAL is synced only at checkpoints, so a **power
    /// loss or kernel crash** can roll back the last commits before the checkpoint (the file stays
    /// consistent, never torn). For the workers that means a cursor may move back and a few DMs
    /// be re-published (deduplicated downstream by `message_id`), or a sent command be
    /// forgotten and sent again.
    case normal
    /// Syncs the WAL at every commit: survives power loss too, at the cost of an fsync per
    /// ledger transition (`?synchronous=full` in the URL).
    case full
}
