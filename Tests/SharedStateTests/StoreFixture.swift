import Foundation
import Logging
import SharedState
import TestSupport

/// A state store on a fresh location of one backend (a SQLite file in a temporary folder, or a
/// PostgreSQL database of its own), with a manual clock.
///
/// PostgreSQL fixtures are made inside a suite marked `.scratchDatabases`, which drops their
/// databases when the test case ends; without a test server they throw `TestPostgres.Missing`.
struct StoreFixture {
    let backend: StateBackend
    /// A folder of the test's own: the SQLite file lives here, and tests put other files here
    /// (the multi-process tests' go files) whatever the backend.
    let folder: TemporaryFolder
    /// What `openStateStore` opens: `sqlite:///.../state.db` or `postgres://...`.
    let url: String
    let clock: TestClock
    let store: any StateStore

    static let logger: Logger = {
        var logger = Logger(label: "SharedStateTests")
        logger.logLevel = .critical
        return logger
    }()

    init(_ backend: StateBackend = .sqlite, options: (inout StateStoreOptions) -> Void = { _ in }) async throws {
        self.backend = backend
        folder = try TemporaryFolder()
        url = try await Self.freshURL(backend, in: folder)
        clock = TestClock()
        var settings = StateStoreOptions(clock: clock)
        options(&settings)
        store = try await openStateStore(url: url, options: settings, logger: Self.logger)
    }

    /// Another store on the same file or database (as a second process would open it), with the
    /// same clock.
    func reopen(options: (inout StateStoreOptions) -> Void = { _ in }) async throws -> any StateStore {
        var settings = StateStoreOptions(clock: clock)
        options(&settings)
        return try await openStateStore(url: url, options: settings, logger: Self.logger)
    }

    /// A state URL nothing has opened yet: a new file name in `folder`, or a new database.
    static func freshURL(_ backend: StateBackend, in folder: TemporaryFolder, name: String = "state.db") async throws -> String {
        switch backend {
        case .sqlite: folder.stateURL(name)
        case .postgres: try await ScratchDatabases.make()
        }
    }
}
