import GRDB

/// The SQLite state file's schema and its versioned migrations.
///
/// The version lives in the file header (`PRAGMA user_version`) and the file is marked as ours
/// with `PRAGMA application_id`, so an operator can tell with the `sqlite3` shell and a worker
/// can refuse a file it does not understand. Migrations run as one `BEGIN IMMEDIATE`
/// transaction that re-reads the version first: workers starting together on a fresh file
/// serialise on it, the first migrates and the others find the work done. (GRDB's
/// `DatabaseMigrator` decides what to run before taking the write lock, which two processes
/// starting at once would race on.)
///
/// Times are INTEGER milliseconds since 1970; DM event ids INTEGER (they compare as numbers).
enum SQLiteSchema {
    /// The newest schema this build reads and writes.
    static let version = 6

    /// `PRAGMA application_id` of kiamo-twitter state files ("KTWS").
    static let applicationID: Int32 = 0x4B54_5753

    /// Migration `n` (index `n - 1`) takes the file from version `n - 1` to `n`.
    static let migrations: [@Sendable (Database) throws -> Void] = [migrateToVersion1, migrateToVersion2, migrateToVersion3, migrateToVersion4, migrateToVersion5, migrateToVersion6]

    /// What `prepare` found before migrating, for the start-up log.
    struct Outcome: Sendable {
        var foundVersion: Int
        var migratedTo: Int
    }

    /// Checks the file is ours and not newer, then applies the missing migrations, in the caller's
    /// immediate transaction.
    static func prepare(_ db: Database, file: String) throws -> Outcome {
        let found = try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0
        let application = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
        if application != 0 && application != applicationID {
            throw StateStoreError.unreadable(
                file: file, reason: "it is another program's SQLite database (application_id \(application))"
            )
        }
        if found > version {
            throw StateStoreError.newerSchema(file: file, found: found, supported: version)
        }
        if found == 0 {
            let tables = try String.fetchAll(
                db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
            if !tables.isEmpty {
                throw StateStoreError.unreadable(
                    file: file,
                    reason: "it holds tables (\(tables.prefix(5).joined(separator: ", "))) but no kiamo-twitter schema version: another program's database?"
                )
            }
            try db.execute(sql: "PRAGMA application_id = \(applicationID)")
        }
        if found < version {
            for target in (found + 1)...version {
                try migrations[target - 1](db)
                try db.execute(sql: "PRAGMA user_version = \(target)")
            }
        }
        return Outcome(foundVersion: found, migratedTo: max(found, version))
    }

    /// Each recipient's line of replies waiting behind one parked in a retry tier, seen by every
    /// dispatch process (`RecipientLineRules`), and the store-wide ticket counter that tells a
    /// handling from a later parking of the same command.
    private static func migrateToVersion3(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE recipient_lines (
                    account          TEXT NOT NULL,
                    recipient        TEXT NOT NULL,
                    position         INTEGER NOT NULL,
                    command_id       TEXT NOT NULL,
                    tier_ms          INTEGER,
                    parked_at        INTEGER,
                    parked_ticket    INTEGER NOT NULL,
                    admitted_ticket  INTEGER NOT NULL,
                    admitted_at      INTEGER,
                    expires_at       INTEGER NOT NULL,
                    PRIMARY KEY (account, recipient, position)
                ) WITHOUT ROWID;
                CREATE INDEX recipient_lines_by_expiry ON recipient_lines (account, expires_at);
                CREATE TABLE recipient_line_tickets (
                    id    INTEGER PRIMARY KEY CHECK (id = 1),
                    last  INTEGER NOT NULL
                );
                INSERT INTO recipient_line_tickets (id, last) VALUES (1, 0);
                """)
    }

    /// The send ledger keeps the media X gave for a command's attachment and when it was
    /// uploaded, so a redelivery between upload and post posts with it instead of uploading again.
    private static func migrateToVersion6(_ db: Database) throws {
        try db.execute(
            sql: """
                ALTER TABLE send_ledger ADD COLUMN media_id TEXT;
                ALTER TABLE send_ledger ADD COLUMN media_uploaded_at INTEGER;
                """)
    }

    /// The live processes of each role (`MemberRegistry`), each until it renews or withdraws: the
    /// ingest processes share the accounts' leases by their number (`FairShare`). Older files gain
    /// the empty table; nothing else changes.
    private static func migrateToVersion5(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE members (
                    role         TEXT NOT NULL,
                    owner        TEXT NOT NULL,
                    announced_at INTEGER NOT NULL,
                    expires_at   INTEGER NOT NULL,
                    PRIMARY KEY (role, owner)
                ) WITHOUT ROWID;
                """)
    }

    /// Deliveries of a send command that began and were never settled (`send_deliveries`): the
    /// worker died, or its broker connection did, while handling them. A command that does that
    /// every time is set aside after `dispatch.maxDeliveries` instead of coming back for ever.
    private static func migrateToVersion4(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE send_deliveries (
                    account    TEXT NOT NULL,
                    command_id TEXT NOT NULL,
                    unsettled  INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL,
                    PRIMARY KEY (account, command_id)
                ) WITHOUT ROWID;
                CREATE INDEX send_deliveries_by_age ON send_deliveries (account, updated_at);
                """)
    }

    /// The send ledger remembers a post whose outcome is unknown (`unverified_since`), whatever
    /// becomes of the broker delivery that carried it, and whether the `sent` report went out
    /// (`reported_at`), so a redelivery of a reported command is not reported again.
    private static func migrateToVersion2(_ db: Database) throws {
        try db.execute(
            sql: """
                ALTER TABLE send_ledger ADD COLUMN unverified_since INTEGER;
                ALTER TABLE send_ledger ADD COLUMN reported_at INTEGER;
                """)
    }

    private static func migrateToVersion1(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE tokens (
                    account       TEXT PRIMARY KEY,
                    access_token  TEXT NOT NULL,
                    refresh_token TEXT,
                    expires_at    INTEGER NOT NULL,
                    scope         TEXT,
                    version       INTEGER NOT NULL,
                    updated_at    INTEGER NOT NULL
                );
                CREATE TABLE leases (
                    account     TEXT NOT NULL,
                    name        TEXT NOT NULL,
                    owner       TEXT NOT NULL,
                    acquired_at INTEGER NOT NULL,
                    expires_at  INTEGER NOT NULL,
                    PRIMARY KEY (account, name)
                ) WITHOUT ROWID;
                CREATE TABLE cache_users (
                    account    TEXT NOT NULL,
                    user_id    TEXT NOT NULL,
                    name       TEXT NOT NULL,
                    username   TEXT NOT NULL,
                    updated_at INTEGER NOT NULL,
                    PRIMARY KEY (account, user_id)
                ) WITHOUT ROWID;
                CREATE INDEX cache_users_by_age ON cache_users (account, updated_at);
                CREATE TABLE cache_conversations (
                    account         TEXT NOT NULL,
                    conversation_id TEXT NOT NULL,
                    participant_id  TEXT NOT NULL,
                    updated_at      INTEGER NOT NULL,
                    PRIMARY KEY (account, conversation_id)
                ) WITHOUT ROWID;
                CREATE INDEX cache_conversations_by_participant ON cache_conversations (account, participant_id, updated_at);
                CREATE INDEX cache_conversations_by_age ON cache_conversations (account, updated_at);
                CREATE TABLE cache_cleanings (
                    account    TEXT PRIMARY KEY,
                    cleaned_at INTEGER NOT NULL
                ) WITHOUT ROWID;
                CREATE TABLE cursors (
                    account      TEXT PRIMARY KEY,
                    last_read_id INTEGER NOT NULL,
                    updated_at   INTEGER NOT NULL
                ) WITHOUT ROWID;
                CREATE TABLE inbound_ledger (
                    account      TEXT NOT NULL,
                    event_id     INTEGER NOT NULL,
                    published_at INTEGER NOT NULL,
                    PRIMARY KEY (account, event_id)
                ) WITHOUT ROWID;
                CREATE INDEX inbound_ledger_by_age ON inbound_ledger (account, published_at);
                CREATE TABLE send_ledger (
                    account         TEXT NOT NULL,
                    key             TEXT NOT NULL,
                    state           TEXT NOT NULL CHECK (state IN ('pending', 'inFlight', 'sent', 'failed')),
                    owner           TEXT,
                    since           INTEGER,
                    dm_event_id     TEXT,
                    conversation_id TEXT,
                    reason          TEXT,
                    finished_at     INTEGER,
                    attempts        INTEGER NOT NULL,
                    revision        INTEGER NOT NULL,
                    created_at      INTEGER NOT NULL,
                    updated_at      INTEGER NOT NULL,
                    PRIMARY KEY (account, key)
                ) WITHOUT ROWID;
                CREATE INDEX send_ledger_by_age ON send_ledger (account, state, updated_at);
                CREATE TABLE rate_limits (
                    account          TEXT NOT NULL,
                    endpoint         TEXT NOT NULL,
                    call_limit       INTEGER NOT NULL,
                    remaining        INTEGER NOT NULL,
                    reset_at         INTEGER NOT NULL,
                    rejected_until   INTEGER,
                    last_granted_at  INTEGER,
                    PRIMARY KEY (account, endpoint)
                ) WITHOUT ROWID;
                """)
    }
}
