import Logging
import PostgresNIO

/// The PostgreSQL state database's schema and its versioned migrations.
///
/// The version lives in `kiamo_twitter_schema` (one row). `prepare` runs in one transaction that
/// first takes `PostgresLocks.migration` (`pg_advisory_xact_lock`): workers starting together on
/// an empty database serialise on it, the first migrates and the others find the work done. A
/// version newer than `version` refuses to open (`StateStoreError.newerDatabaseSchema`) and
/// changes nothing. Tables mirror the SQLite file's (`SQLiteSchema` version 6), with times as
/// BIGINT milliseconds (`PostgresTime`), plus `lease_owners` (liveness, `PostgresOwnerLiveness`),
/// a sequence for the recipient lines' tickets and a revision on the rate-limit budgets (their
/// compare-and-set).
enum PostgresSchema {
    /// The newest schema this build reads and writes.
    static let version = 3

    /// Every table the store reads and writes (checked for privileges at open).
    static let tables = [
        "tokens", "leases", "lease_owners", "cache_users", "cache_conversations", "cache_cleanings", "cursors",
        "inbound_ledger", "send_ledger", "send_deliveries", "recipient_lines", "rate_limits", "members",
    ]

    /// Migration `n` (index `n - 1`) takes the database from version `n - 1` to `n`.
    static let migrations: [[String]] = [migrationToVersion1, migrationToVersion2, migrationToVersion3]

    /// What `prepare` found before migrating, for the start-up log.
    struct Outcome: Sendable {
        var foundVersion: Int
        var migratedTo: Int
    }

    /// Checks the version and applies the missing migrations, in one transaction under the
    /// migration lock.
    static func prepare(_ connection: PostgresConnection, url: String, logger: Logger) async throws -> Outcome {
        try await connection.withTransaction(logger: logger) { connection in
            // Waiting here for another worker's migration is expected at start (a whole
            // deployment starting at once), and a migration may outlast one call's bound: both
            // get minutes rather than the store's per-statement bounds, in this transaction only.
            try await connection.query("SET LOCAL lock_timeout = '60s'", logger: logger)
            try await connection.query("SET LOCAL statement_timeout = '300s'", logger: logger)
            // Drained: an error of a statement that returns rows (a lock wait timing out) is
            // only thrown by reading them; unread, it would surface as "transaction aborted" on
            // the next statement.
            try await connection.query(
                "SELECT pg_advisory_xact_lock(\(PostgresLocks.migration.0), \(PostgresLocks.migration.1))", logger: logger
            ).drain()
            var found = 0
            let exists =
                try await connection.query("SELECT to_regclass('kiamo_twitter_schema') IS NOT NULL", logger: logger)
                .collect(Bool.self).first ?? false
            if exists {
                found = Int(
                    try await connection.query("SELECT version FROM kiamo_twitter_schema WHERE id = 1", logger: logger)
                        .collect(Int64.self).first ?? 0)
            } else {
                try await connection.query(
                    """
                    CREATE TABLE kiamo_twitter_schema (
                        id         integer PRIMARY KEY CHECK (id = 1),
                        version    integer NOT NULL,
                        updated_at timestamptz NOT NULL DEFAULT now()
                    )
                    """, logger: logger)
                try await connection.query("INSERT INTO kiamo_twitter_schema (id, version) VALUES (1, 0)", logger: logger)
            }
            if found > version {
                throw StateStoreError.newerDatabaseSchema(url: url, found: found, supported: version)
            }
            if found < version {
                for target in (found + 1)...version {
                    for statement in migrations[target - 1] {
                        try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                    }
                    try await connection.query(
                        "UPDATE kiamo_twitter_schema SET version = \(target), updated_at = now() WHERE id = 1", logger: logger)
                }
            }
            return Outcome(foundVersion: found, migratedTo: max(found, version))
        }
    }

    /// The tables among `tables` the connected role may not read and write (privileges granted
    /// by hand on a database another role owns can miss one).
    static func missingPrivileges(_ connection: PostgresConnection, logger: Logger) async throws -> [String] {
        try await connection.query(
            """
            SELECT t FROM unnest(\(tables)::text[]) AS t
            WHERE NOT has_table_privilege(t, 'SELECT, INSERT, UPDATE, DELETE')
            ORDER BY t
            """, logger: logger
        ).collect(String.self)
    }

    /// The send ledger keeps the media uploaded for a command's attachment (SQLite's version 6),
    /// so a redelivery between upload and post posts with it instead of uploading again.
    private static let migrationToVersion3 = [
        "ALTER TABLE send_ledger ADD COLUMN media_id text",
        "ALTER TABLE send_ledger ADD COLUMN media_uploaded_at bigint",
    ]

    /// The live processes of each role (`MemberRegistry`, SQLite's version 5): the ingest
    /// processes share the accounts' leases by their number (`FairShare`).
    private static let migrationToVersion2 = [
        """
        CREATE TABLE members (
            role         text NOT NULL,
            owner        text NOT NULL,
            announced_at bigint NOT NULL,
            expires_at   bigint NOT NULL,
            PRIMARY KEY (role, owner)
        )
        """
    ]

    private static let migrationToVersion1 = [
        """
        CREATE TABLE tokens (
            account       text PRIMARY KEY,
            access_token  text NOT NULL,
            refresh_token text,
            expires_at    bigint NOT NULL,
            scope         text,
            version       bigint NOT NULL,
            updated_at    bigint NOT NULL
        )
        """,
        """
        CREATE TABLE leases (
            account     text NOT NULL,
            name        text NOT NULL,
            owner       text NOT NULL,
            acquired_at bigint NOT NULL,
            expires_at  bigint NOT NULL,
            PRIMARY KEY (account, name)
        )
        """,
        // Each lease owner's process lock (`PostgresOwnerLiveness`): its key and when it was taken.
        """
        CREATE TABLE lease_owners (
            owner     text PRIMARY KEY,
            lock_key  integer NOT NULL,
            locked_at timestamptz NOT NULL
        )
        """,
        """
        CREATE TABLE cache_users (
            account    text NOT NULL,
            user_id    text NOT NULL,
            name       text NOT NULL,
            username   text NOT NULL,
            updated_at bigint NOT NULL,
            PRIMARY KEY (account, user_id)
        )
        """,
        "CREATE INDEX cache_users_by_age ON cache_users (account, updated_at)",
        """
        CREATE TABLE cache_conversations (
            account         text NOT NULL,
            conversation_id text NOT NULL,
            participant_id  text NOT NULL,
            updated_at      bigint NOT NULL,
            PRIMARY KEY (account, conversation_id)
        )
        """,
        "CREATE INDEX cache_conversations_by_participant ON cache_conversations (account, participant_id, updated_at)",
        "CREATE INDEX cache_conversations_by_age ON cache_conversations (account, updated_at)",
        """
        CREATE TABLE cache_cleanings (
            account    text PRIMARY KEY,
            cleaned_at bigint NOT NULL
        )
        """,
        """
        CREATE TABLE cursors (
            account      text PRIMARY KEY,
            last_read_id bigint NOT NULL,
            updated_at   bigint NOT NULL
        )
        """,
        """
        CREATE TABLE inbound_ledger (
            account      text NOT NULL,
            event_id     bigint NOT NULL,
            published_at bigint NOT NULL,
            PRIMARY KEY (account, event_id)
        )
        """,
        "CREATE INDEX inbound_ledger_by_age ON inbound_ledger (account, published_at)",
        """
        CREATE TABLE send_ledger (
            account          text NOT NULL,
            key              text NOT NULL,
            state            text NOT NULL CHECK (state IN ('pending', 'inFlight', 'sent', 'failed')),
            owner            text,
            since            bigint,
            dm_event_id      text,
            conversation_id  text,
            reason           text,
            finished_at      bigint,
            attempts         bigint NOT NULL,
            revision         bigint NOT NULL,
            created_at       bigint NOT NULL,
            updated_at       bigint NOT NULL,
            unverified_since bigint,
            reported_at      bigint,
            PRIMARY KEY (account, key)
        )
        """,
        "CREATE INDEX send_ledger_by_age ON send_ledger (account, state, updated_at)",
        """
        CREATE TABLE send_deliveries (
            account    text NOT NULL,
            command_id text NOT NULL,
            unsettled  bigint NOT NULL,
            updated_at bigint NOT NULL,
            PRIMARY KEY (account, command_id)
        )
        """,
        "CREATE INDEX send_deliveries_by_age ON send_deliveries (account, updated_at)",
        """
        CREATE TABLE recipient_lines (
            account          text NOT NULL,
            recipient        text NOT NULL,
            position         bigint NOT NULL,
            command_id       text NOT NULL,
            tier_ms          bigint,
            parked_at        bigint,
            parked_ticket    bigint NOT NULL,
            admitted_ticket  bigint NOT NULL,
            admitted_at      bigint,
            expires_at       bigint NOT NULL,
            PRIMARY KEY (account, recipient, position)
        )
        """,
        "CREATE INDEX recipient_lines_by_expiry ON recipient_lines (account, expires_at)",
        "CREATE SEQUENCE recipient_line_tickets AS bigint",
        """
        CREATE TABLE rate_limits (
            account          text NOT NULL,
            endpoint         text NOT NULL,
            call_limit       bigint NOT NULL,
            remaining        bigint NOT NULL,
            reset_at         bigint NOT NULL,
            rejected_until   bigint,
            last_granted_at  bigint,
            revision         bigint NOT NULL DEFAULT 0,  -- the compare-and-set's; rows copied in by `state migrate` start at 0
            PRIMARY KEY (account, endpoint)
        )
        """,
    ]
}

extension PostgresRowSequence {
    /// Every row's single column, decoded as `T`.
    func collect<T: PostgresDecodable & Sendable>(_ type: T.Type) async throws -> [T] {
        var values: [T] = []
        for try await value in self.decode(T.self) { values.append(value) }
        return values
    }

    /// Reads and drops every row, so an error the server sends after the first row (or instead
    /// of any) is thrown here.
    func drain() async throws {
        for try await _ in self {}
    }

    /// Every row, for decoding by column name.
    func rows() async throws -> [PostgresRandomAccessRow] {
        var rows: [PostgresRandomAccessRow] = []
        for try await row in self { rows.append(row.makeRandomAccess()) }
        return rows
    }
}

extension PostgresRandomAccessRow {
    /// The column `name` decoded as `T` (an optional `T` for a nullable column).
    func value<T: PostgresDecodable>(_ name: String, as type: T.Type = T.self) throws -> T {
        try self[name].decode(T.self)
    }
}
