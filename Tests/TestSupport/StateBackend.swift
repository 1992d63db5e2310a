import Foundation

/// The state stores the suites run their cases on: the same assertions, two backends.
public enum StateBackend: String, CaseIterable, Sendable {
    /// A fresh file in a temporary folder.
    case sqlite
    /// A fresh database on the test run's private server (`scripts/test-postgres`); without one
    /// (`KIAMO_TEST_POSTGRES_URL` unset) the case fails, it never skips.
    case postgres

    /// A state URL nothing has opened yet and, for PostgreSQL, the database the caller drops
    /// (`TestPostgres.dropDatabase`) when done: `sqlite://<folder>/<file>`, or a new database.
    public func freshState(in folder: URL, file: String = "state.db") async throws -> (url: String, database: String?) {
        switch self {
        case .sqlite:
            return ("sqlite://" + folder.appendingPathComponent(file).path, nil)
        case .postgres:
            let name = try await TestPostgres.createDatabase()
            return (try TestPostgres.url(ofDatabase: name), name)
        }
    }
}
