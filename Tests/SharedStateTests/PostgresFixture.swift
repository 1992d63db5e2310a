import Foundation
import SharedState
import Testing

/// A PostgreSQL state store on a database of its own, created on the server that
/// `KIAMO_TEST_POSTGRES_URL` names (a role allowed to CREATE DATABASE) and dropped afterwards.
///
/// Fails loudly when the variable is unset: these tests need a real server (`scripts/test-postgres`,
/// or by hand: `initdb` into a temporary folder and `pg_ctl start` on a port of its own).
struct PostgresFixture {
    let database: String
    let url: String
    let clock: ManualClock
    let store: PostgresStateStore

    /// The administration URL from the environment; records an issue and throws without it.
    static func adminURL() throws -> String {
        guard let url = ProcessInfo.processInfo.environment["KIAMO_TEST_POSTGRES_URL"], !url.isEmpty else {
            Issue.record("KIAMO_TEST_POSTGRES_URL is not set: start a private PostgreSQL (scripts/test-postgres) and export its URL")
            throw MissingServer()
        }
        return url
    }

    struct MissingServer: Error {}

    /// Runs `body` with a store on a fresh database (manual clock unless `systemClock`), then
    /// closes every store it opened and drops the database.
    static func with(systemClock: Bool = false, options: (inout StateStoreOptions) -> Void = { _ in },
                     _ body: (PostgresFixture) async throws -> Void) async throws {
        let database = try await createDatabase()
        let clock = ManualClock()
        var settings = systemClock ? StateStoreOptions() : StateStoreOptions(clock: clock)
        options(&settings)
        let url = try databaseURL(database)
        do {
            let store = try await PostgresStateStore.open(try location(url), options: settings, logger: StoreFixture.logger)
            let fixture = PostgresFixture(database: database, url: url, clock: clock, store: store)
            do {
                try await body(fixture)
            } catch {
                await store.close()
                throw error
            }
            await store.close()
        } catch {
            try? dropDatabase(database)
            throw error
        }
        try dropDatabase(database)
    }

    /// Runs `body` with the URL of a fresh, empty database (no store opened), then drops it.
    static func withEmptyDatabase(_ body: (String) async throws -> Void) async throws {
        let database = try await createDatabase()
        do {
            try await body(try databaseURL(database))
        } catch {
            try? dropDatabase(database)
            throw error
        }
        try dropDatabase(database)
    }

    /// Another store on the same database (as a second process would open it), with the same clock.
    func reopen(options: (inout StateStoreOptions) -> Void = { _ in }) async throws -> PostgresStateStore {
        var settings = StateStoreOptions(clock: clock)
        options(&settings)
        return try await PostgresStateStore.open(try Self.location(url), options: settings, logger: StoreFixture.logger)
    }

    static func location(_ url: String) throws -> PostgresLocation {
        guard case .postgres(let location) = try StateStoreURL(parsing: url) else { throw MissingServer() }
        return location
    }

    /// The admin URL with its database replaced by `database`, its query kept.
    static func databaseURL(_ database: String) throws -> String {
        let admin = try adminURL()
        let parts = admin.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        guard let slash = parts[0].lastIndex(of: "/") else { throw MissingServer() }
        return String(parts[0][..<slash]) + "/" + database + (parts.count == 2 ? "?" + parts[1] : "")
    }

    static func createDatabase() async throws -> String {
        let name = "kiamo_test_" + UUID().uuidString.prefix(12).lowercased().replacingOccurrences(of: "-", with: "")
        try psql("CREATE DATABASE \(name)")
        return name
    }

    static func dropDatabase(_ name: String) throws {
        try psql("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
    }

    /// Runs one SQL command with `psql` on the admin URL (libpq reads the same URL).
    @discardableResult
    static func psql(_ sql: String, url: String? = nil) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
        let target = try url ?? adminURL()
        // libpq does not know the store's own parameters.
        let libpqURL = target.replacingOccurrences(of: #"[?&](pool_size|statement_timeout_ms)=[^&]*"#, with: "", options: .regularExpression)
        process.arguments = [libpqURL, "-v", "ON_ERROR_STOP=1", "-tAc", sql]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard process.terminationStatus == 0 else { throw PSQLFailed(sql: sql, output: text) }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    struct PSQLFailed: Error, CustomStringConvertible {
        let sql: String
        let output: String
        var description: String { "psql \(sql): \(output)" }
    }
}
