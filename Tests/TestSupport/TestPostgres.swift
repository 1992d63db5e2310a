import Foundation

/// The private PostgreSQL that `scripts/test` starts for the test run (`scripts/test-postgres`).
///
/// Tests that need it call `url()` or `createDatabase()`, which throw when the test command did
/// not start one: such a test fails loudly instead of skipping. Each test works in a database of
/// its own, made from the test role's URL (the role has CREATEDB) and dropped after the test.
public enum TestPostgres {
    public struct Missing: Error, CustomStringConvertible {
        public init() {}
        public var description: String {
            "no test PostgreSQL: KIAMO_TEST_POSTGRES_URL is not set. Run the tests through scripts/test (make test), "
                + "or start one with scripts/test-postgres start DIR and export the KIAMO_TEST_POSTGRES_* lines of DIR/postgres.env."
        }
    }

    /// The PostgreSQL command-line client the databases are made with.
    public struct NoClient: Error, CustomStringConvertible {
        public var description: String { "psql is not installed (apt-get install -y postgresql-client; scripts/setup does it)" }
    }

    /// `postgres://kiamo_test:...@127.0.0.1:PORT/kiamo_test?sslmode=disable`: the test role's
    /// own database. Never printed: it holds the role's password.
    public static func url() throws -> String {
        guard let url = ProcessInfo.processInfo.environment["KIAMO_TEST_POSTGRES_URL"], !url.isEmpty else {
            throw Missing()
        }
        return url
    }

    /// The CA that signed the test server's certificate (for `sslmode=verify-full` tests).
    public static func tlsCA() throws -> String {
        guard let path = ProcessInfo.processInfo.environment["KIAMO_TEST_POSTGRES_TLS_CA"], !path.isEmpty else {
            throw Missing()
        }
        return path
    }

    /// A database name no other test uses: lower-case letters, digits and `_` only, so it needs
    /// no quoting in SQL nor escaping in a URL.
    public static func uniqueDatabaseName(_ prefix: String = "kiamo_t") -> String {
        prefix + "_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
    }

    /// Creates an empty database owned by the test role and returns its name.
    @discardableResult
    public static func createDatabase(named name: String = uniqueDatabaseName()) async throws -> String {
        try await execute("CREATE DATABASE \(try identifier(name))")
        return name
    }

    /// Drops a database, cutting the connections still open on it (a store a test did not close,
    /// a probe it killed); a database already gone is not an error.
    public static func dropDatabase(named name: String) async throws {
        try await execute("DROP DATABASE IF EXISTS \(try identifier(name)) WITH (FORCE)")
    }

    /// Whether a database of that name exists on the test server.
    public static func databaseExists(named name: String) async throws -> Bool {
        let output = try await execute("SELECT count(*) FROM pg_database WHERE datname = '\(try identifier(name))'")
        return output.trimmingCharacters(in: .whitespacesAndNewlines) == "1"
    }

    /// The test role's URL with its database replaced: what a store under test opens.
    public static func url(ofDatabase name: String) throws -> String {
        guard var components = URLComponents(string: try url()) else { throw Missing() }
        components.path = "/" + (try identifier(name))
        guard let url = components.string else { throw Missing() }
        return url
    }

    /// Runs one statement as the test role, on its own database unless `url` names another
    /// (CREATE and DROP DATABASE cannot run inside another database's transaction, nor on the
    /// database they drop); returns what psql printed, unaligned and without headers. Off the
    /// cooperative pool: psql waits seconds on a loaded server (DROP DATABASE checkpoints), and two
    /// such waits on the pool's two threads stalled every other test's timers.
    @discardableResult
    public static func execute(_ sql: String, url: String? = nil) async throws -> String {
        // libpq does not know the store's own parameters.
        let url = try (url ?? self.url()).replacingOccurrences(
            of: #"[?&](pool_size|statement_timeout_ms)=[^&]*"#, with: "", options: .regularExpression)
        let client = try psqlPath()
        let result = try await ChildProcess.run(
            client, ["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", sql],
            environment: ProcessInfo.processInfo.environment.merging(["PGCONNECT_TIMEOUT": "10"]) { $1 }
        )
        guard result.status == 0 else {
            throw ChildProcess.Failure(command: "psql -c \"\(sql)\"", status: result.status, output: result.output)
        }
        return result.output
    }

    /// The `psql` client on this machine (for tests that hold a session open with it).
    public static func psqlPath() throws -> String {
        for candidate in ["/usr/bin/psql", "/usr/lib/postgresql/15/bin/psql", "/usr/local/bin/psql"]
        where FileManager.default.isExecutableFile(atPath: candidate) {
            return candidate
        }
        throw NoClient()
    }

    /// A name is interpolated into SQL: only the characters `uniqueDatabaseName` makes pass.
    private static func identifier(_ name: String) throws -> String {
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789_")
        guard !name.isEmpty, name.count <= 63, name.allSatisfy(allowed.contains) else {
            throw ChildProcess.Failure(command: "psql", status: -1, output: "refused database name '\(name)': use uniqueDatabaseName()")
        }
        return name
    }
}
