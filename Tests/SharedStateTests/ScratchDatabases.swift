import Synchronization
import TestSupport
import Testing

/// The PostgreSQL databases a test case made, dropped when the case ends, passed or failed.
///
/// A suite that opens PostgreSQL stores carries the `.scratchDatabases` trait: it gives every test
/// case a registry (a task-local, so the fixtures a case makes in child tasks register too) and
/// drops what was registered once the case returns. Dropping is awaited, not left to a deinit: a
/// database left behind would hold its connections and disk for the rest of the run.
final class ScratchDatabases: Sendable {
    @TaskLocal static var current: ScratchDatabases?

    /// A fixture asked for a database outside a case that drops them: a mistake in the test.
    struct NoScope: Error, CustomStringConvertible {
        var description: String { "a PostgreSQL state test must be in a suite marked @Suite(.scratchDatabases), which drops its databases" }
    }

    private let names = Mutex<[String]>([])

    /// Creates a database on the test server for the running case and returns the URL a store
    /// opens it with.
    static func make() async throws -> String {
        guard let registry = current else { throw NoScope() }
        let name = try await TestPostgres.createDatabase()
        registry.names.withLock { $0.append(name) }
        return try TestPostgres.url(ofDatabase: name)
    }

    var created: [String] { names.withLock { $0 } }

    fileprivate func dropAll() async throws {
        for name in names.withLock({ $0 }) {
            try await TestPostgres.dropDatabase(named: name)
        }
    }
}

/// `@Suite(.scratchDatabases)`: see `ScratchDatabases`.
struct ScratchDatabasesTrait: SuiteTrait, TestTrait, TestScoping {
    var isRecursive: Bool { true }

    /// One scope per test case, so a parameterised test drops each case's databases as it ends.
    func scopeProvider(for test: Test, testCase: Test.Case?) -> Self? {
        testCase == nil ? nil : self
    }

    func provideScope(for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void) async throws {
        let registry = ScratchDatabases()
        let outcome: Result<Void, any Error>
        do {
            try await ScratchDatabases.$current.withValue(registry) { try await function() }
            outcome = .success(())
        } catch {
            outcome = .failure(error)
        }
        try await registry.dropAll()
        try outcome.get()
    }
}

extension Trait where Self == ScratchDatabasesTrait {
    static var scratchDatabases: Self { Self() }
}
