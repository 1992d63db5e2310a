/// A SQLite state file and how to open it, from a `sqlite:///` URL.
public struct SQLiteLocation: Sendable, Hashable {
    /// Absolute path of the database file; `-wal` and `-shm` files sit beside it.
    public var path: String
    /// Durability against power loss; see `SQLiteSynchronous`.
    public var synchronous: SQLiteSynchronous
    /// How long a write waits for another process's write transaction before failing.
    public var busyTimeout: Duration

    /// Defaults: `synchronous=NORMAL`, a 5 s busy timeout.
    public init(path: String, synchronous: SQLiteSynchronous = .normal, busyTimeout: Duration = .seconds(5)) {
        self.path = path
        self.synchronous = synchronous
        self.busyTimeout = busyTimeout
    }
}
