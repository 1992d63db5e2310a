import Foundation
import SharedState
import TestSupport
import Testing

/// A PostgreSQL store and its manual clock on a database of its own on the test server
/// (`TestPostgres`), for the PostgreSQL-only tests (faults, races between stores, processes):
/// the conformance suite uses `StoreFixture` instead.
///
/// Everything that waits on the server outside the store (psql, creating and dropping the
/// database) runs off the cooperative pool, through `TestPostgres`.
struct PostgresFixture {
    let database: String
    let url: String
    let clock: TestClock
    let store: PostgresStateStore

    /// Runs `body` with a store on a fresh database (manual clock unless `systemClock`), then
    /// closes every store it opened and drops the database.
    static func with(
        systemClock: Bool = false, options: (inout StateStoreOptions) -> Void = { _ in },
        _ body: (PostgresFixture) async throws -> Void
    ) async throws {
        let clock = TestClock()
        var settings = systemClock ? StateStoreOptions() : StateStoreOptions(clock: clock)
        options(&settings)
        try await withEmptyDatabase { url in
            let store = try await PostgresStateStore.open(try location(url), options: settings, logger: StoreFixture.logger)
            let fixture = PostgresFixture(database: try databaseName(of: url), url: url, clock: clock, store: store)
            do {
                try await body(fixture)
            } catch {
                await store.close()
                throw error
            }
            await store.close()
        }
    }

    /// Runs `body` with the URL of a fresh, empty database (no store opened), then drops it,
    /// passed or failed.
    static func withEmptyDatabase(_ body: (String) async throws -> Void) async throws {
        let database = try await TestPostgres.createDatabase()
        do {
            try await body(try TestPostgres.url(ofDatabase: database))
        } catch {
            try? await TestPostgres.dropDatabase(named: database)
            throw error
        }
        try await TestPostgres.dropDatabase(named: database)
    }

    /// Another store on the same database (as a second process would open it), with the same clock.
    func reopen(options: (inout StateStoreOptions) -> Void = { _ in }) async throws -> PostgresStateStore {
        var settings = StateStoreOptions(clock: clock)
        options(&settings)
        return try await PostgresStateStore.open(try Self.location(url), options: settings, logger: StoreFixture.logger)
    }

    static func location(_ url: String) throws -> PostgresLocation {
        guard case .postgres(let location) = try StateStoreURL(parsing: url) else { throw TestPostgres.Missing() }
        return location
    }

    /// The database a test URL names (`.../NAME?...`).
    static func databaseName(of url: String) throws -> String {
        guard let path = URLComponents(string: url)?.path, path.count > 1 else { throw TestPostgres.Missing() }
        return String(path.dropFirst())
    }

    /// Runs one SQL command with `psql` on `url` (the test role's own database by default) and
    /// returns its output, trimmed.
    @discardableResult
    static func psql(_ sql: String, url: String? = nil) async throws -> String {
        try await TestPostgres.execute(sql, url: url).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
