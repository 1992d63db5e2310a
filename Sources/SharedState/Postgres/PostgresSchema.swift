import Logging
import PostgresNIO

/// The PostgreSQL state database's schema and its versioned migrations.
///
/// The version lives in `kiamo_twitter_schema` (one row). `prepare` runs in one transaction that
/// first takes `PostgresLocks.migration` (`pg_advisory_xact_lock`): workers starting together on
/// an empty database serialise on it, the first migrates and the others find the work done. A
/// version newer than `version` refuses to open (`StateStoreError.newerDatabaseSchema`) and
/// changes nothing. Tables mirror the SQLite file's (`SQLiteSchema` version 4), with times as
/// BIGINT milliseconds (`PostgresTime`), plus `lease_owners` (liveness, `PostgresOwnerLiveness`),
/// a sequence for the recipient lines' tickets and a revision on the rate-limit budgets (their
/// compare-and-set). Version 2 adds `kiamo_send_transition`, which decides and writes a
/// send-ledger transition in one statement (`PostgresSendTransition`).
enum PostgresSchema {
    /// The newest schema this build reads and writes.
    static let version = 2

    /// Every table the store reads and writes (checked for privileges at open).
    static let tables = [
        "tokens", "leases", "lease_owners", "cache_users", "cache_conversations", "cache_cleanings", "cursors",
        "inbound_ledger", "send_ledger", "send_deliveries", "recipient_lines", "rate_limits",
    ]

    /// Migration `n` (index `n - 1`) takes the database from version `n - 1` to `n`.
    static let migrations: [[String]] = [migrationToVersion1, migrationToVersion2]

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
                "SELECT pg_advisory_xact_lock(\(PostgresLocks.migration.0), \(PostgresLocks.migration.1))", logger: logger).drain()
            var found = 0
            let exists = try await connection.query("SELECT to_regclass('kiamo_twitter_schema') IS NOT NULL", logger: logger)
                .collect(Bool.self).first ?? false
            if exists {
                found = Int(try await connection.query("SELECT version FROM kiamo_twitter_schema WHERE id = 1", logger: logger)
                    .collect(Int64.self).first ?? 0)
            } else {
                try await connection.query("""
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
        try await connection.query("""
            SELECT t FROM unnest(\(tables)::text[]) AS t
            WHERE NOT has_table_privilege(t, 'SELECT, INSERT, UPDATE, DELETE')
            ORDER BY t
            """, logger: logger).collect(String.self)
    }

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

    /// The send ledger's transitions, each one statement (one round trip, one commit) instead
    /// of a read and a compare-and-set write: the row is read under its lock (`FOR UPDATE`: a
    /// concurrent transition of the same command waits for this one, then decides on what it
    /// wrote), the time is read after the lock is held (`coalesce($now, clock_timestamp())`, as
    /// everywhere), the transition is decided and written, and the row before and after are
    /// returned. The guards and writes mirror `SendLedgerRules` one for one, which the store checks
    /// on every call (`PostgresSendTransition`); the claim's staleness is the rules' own double
    /// arithmetic on `Date` (seconds since 2001) so that the two agree to the last bit. A first
    /// insert that loses to a concurrent one reads the row again; a row that keeps changing raises
    /// a serialization failure (40001), which the store runs again.
    private static let migrationToVersion2 = [
        """
        CREATE FUNCTION kiamo_send_transition(
            p_operation text, p_account text, p_key text, p_owner text, p_now bigint, p_stale_seconds float8,
            p_dm_event_id text, p_conversation_id text, p_reason text, p_unverified_since bigint)
        -- Flat columns (the row before, then after), not two composites whose fields the caller
        -- selects one by one: that made parsing each call cost half as much as running it.
        RETURNS TABLE (
            clock bigint, wrote boolean,
            old_account text, old_key text, old_state text, old_owner text, old_since bigint, old_dm_event_id text,
            old_conversation_id text, old_reason text, old_finished_at bigint, old_attempts bigint,
            old_revision bigint, old_created_at bigint, old_updated_at bigint, old_unverified_since bigint,
            old_reported_at bigint,
            new_account text, new_key text, new_state text, new_owner text, new_since bigint, new_dm_event_id text,
            new_conversation_id text, new_reason text, new_finished_at bigint, new_attempts bigint,
            new_revision bigint, new_created_at bigint, new_updated_at bigint, new_unverified_since bigint,
            new_reported_at bigint)
        LANGUAGE plpgsql AS $fn$
        DECLARE
            cur send_ledger;
            nxt send_ledger;
            t bigint;
            finishing boolean;
        BEGIN
            FOR attempt IN 1..3 LOOP
                SELECT * INTO cur FROM send_ledger s WHERE s.account = p_account AND s.key = p_key FOR UPDATE;
                t := coalesce(p_now, (extract(epoch FROM clock_timestamp()) * 1000)::bigint);
                IF NOT FOUND THEN
                    IF p_operation = 'claim' THEN
                        nxt := ROW(p_account, p_key, 'inFlight', p_owner, t, NULL, NULL, NULL, NULL, 1, 1, t, t, NULL, NULL)::send_ledger;
                    ELSIF p_operation = 'pending' THEN
                        nxt := ROW(p_account, p_key, 'pending', NULL, NULL, NULL, NULL, NULL, NULL, 0, 1, t, t, NULL, NULL)::send_ledger;
                    ELSE
                        RETURN QUERY SELECT t, false, (NULL::send_ledger).*, (NULL::send_ledger).*;
                        RETURN;
                    END IF;
                    INSERT INTO send_ledger SELECT (nxt).* ON CONFLICT (account, key) DO NOTHING;
                    IF FOUND THEN
                        RETURN QUERY SELECT t, true, (NULL::send_ledger).*, (nxt).*;
                        RETURN;
                    END IF;
                    CONTINUE;
                END IF;
                nxt := cur;
                finishing := false;
                IF p_operation = 'claim' THEN
                    IF cur.state = 'pending' OR (cur.state = 'inFlight' AND
                        ((t::float8 / 1000 - 978307200) - (cur.since::float8 / 1000 - 978307200)) >= p_stale_seconds) THEN
                        nxt.state := 'inFlight'; nxt.owner := p_owner; nxt.since := t;
                        nxt.dm_event_id := NULL; nxt.conversation_id := NULL; nxt.reason := NULL; nxt.finished_at := NULL;
                        nxt.attempts := cur.attempts + 1;
                    ELSE
                        RETURN QUERY SELECT t, false, (cur).*, (cur).*;
                        RETURN;
                    END IF;
                ELSIF p_operation = 'posting' THEN
                    IF cur.state = 'inFlight' AND cur.owner = p_owner THEN
                        nxt.unverified_since := p_unverified_since;
                    ELSE
                        RETURN QUERY SELECT t, false, (cur).*, (cur).*;
                        RETURN;
                    END IF;
                ELSIF p_operation = 'reported' THEN
                    IF cur.state = 'sent' AND cur.reported_at IS NULL THEN
                        nxt.reported_at := t;
                    ELSE
                        RETURN QUERY SELECT t, false, (cur).*, (cur).*;
                        RETURN;
                    END IF;
                ELSIF p_operation IN ('complete', 'fail', 'release') THEN
                    IF (p_operation = 'complete' AND cur.state = 'sent' AND cur.dm_event_id IS NOT DISTINCT FROM p_dm_event_id)
                       OR (p_operation = 'fail' AND cur.state = 'failed' AND cur.reason IS NOT DISTINCT FROM p_reason)
                       OR cur.state <> 'inFlight' OR cur.owner IS DISTINCT FROM p_owner THEN
                        RETURN QUERY SELECT t, false, (cur).*, (cur).*;
                        RETURN;
                    END IF;
                    nxt.owner := NULL; nxt.since := NULL; nxt.dm_event_id := NULL; nxt.conversation_id := NULL;
                    nxt.reason := NULL; nxt.finished_at := NULL; nxt.unverified_since := NULL;
                    IF p_operation = 'complete' THEN
                        nxt.state := 'sent'; nxt.dm_event_id := p_dm_event_id; nxt.conversation_id := p_conversation_id; nxt.finished_at := t;
                    ELSIF p_operation = 'fail' THEN
                        nxt.state := 'failed'; nxt.reason := p_reason; nxt.finished_at := t;
                    ELSE
                        nxt.state := 'pending'; nxt.unverified_since := p_unverified_since;
                    END IF;
                ELSE
                    -- 'pending' on a known command keeps it; anything else is a caller's mistake.
                    IF p_operation <> 'pending' THEN
                        RAISE EXCEPTION 'kiamo_send_transition: unknown operation %', p_operation USING ERRCODE = '22023';
                    END IF;
                    RETURN QUERY SELECT t, false, (cur).*, (cur).*;
                    RETURN;
                END IF;
                nxt.revision := cur.revision + 1;
                nxt.updated_at := t;
                UPDATE send_ledger s SET
                    (state, owner, since, dm_event_id, conversation_id, reason, finished_at, attempts, revision, updated_at,
                     unverified_since, reported_at)
                  = (nxt.state, nxt.owner, nxt.since, nxt.dm_event_id, nxt.conversation_id, nxt.reason, nxt.finished_at,
                     nxt.attempts, nxt.revision, nxt.updated_at, nxt.unverified_since, nxt.reported_at)
                WHERE s.account = p_account AND s.key = p_key;
                RETURN QUERY SELECT t, true, (cur).*, (nxt).*;
                RETURN;
            END LOOP;
            RAISE EXCEPTION 'send % of account % kept changing under concurrent writers', p_key, p_account USING ERRCODE = '40001';
        END
        $fn$
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
