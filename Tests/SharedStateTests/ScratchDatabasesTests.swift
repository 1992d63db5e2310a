import Foundation
import Synchronization
import TestSupport
import Testing

/// The PostgreSQL half of the conformance suite stands on these: a database per test case, made
/// on the test server and dropped when the case ends, whatever still holds it open.
@Suite struct ScratchDatabasesTests {
    @Test func aCreatedDatabaseExistsUntilDropped() async throws {
        let name = try await TestPostgres.createDatabase()
        #expect(try await TestPostgres.databaseExists(named: name))
        let url = try TestPostgres.url(ofDatabase: name)
        #expect(url.contains("/\(name)?"), "the test role's URL with its database replaced, its query kept")
        try await TestPostgres.dropDatabase(named: name)
        #expect(try await !TestPostgres.databaseExists(named: name))
        try await TestPostgres.dropDatabase(named: name) // already gone: not an error
    }

    @Test func theScopeDropsTheCasesDatabasesWhenItReturnsOrThrows() async throws {
        let test = try #require(Test.current)
        let made = Mutex<[String]>([])
        try await ScratchDatabasesTrait().provideScope(for: test, testCase: Test.Case.current) {
            let url = try await ScratchDatabases.make()
            let name = try #require(ScratchDatabases.current?.created.last)
            #expect(url == (try TestPostgres.url(ofDatabase: name)))
            #expect(try await TestPostgres.databaseExists(named: name))
            made.withLock { $0.append(name) }
        }
        struct Failed: Error {}
        await #expect(throws: Failed.self) {
            try await ScratchDatabasesTrait().provideScope(for: test, testCase: Test.Case.current) {
                _ = try await ScratchDatabases.make()
                let name = try #require(ScratchDatabases.current?.created.last)
                made.withLock { $0.append(name) }
                throw Failed()
            }
        }
        let names = made.withLock { $0 }
        #expect(names.count == 2)
        for name in names {
            #expect(try await !TestPostgres.databaseExists(named: name), "\(name) was left behind")
        }
    }

    @Test func aDatabaseStillInUseIsDroppedAndItsSessionsCut() async throws {
        let name = try await TestPostgres.createDatabase()
        let session = try await RunningProcess(
            name: "psql-holding-\(name)", executable: try TestPostgres.psqlPath(),
            arguments: ["-X", "-q", "-d", try TestPostgres.url(ofDatabase: name), "-c", "SELECT pg_sleep(120)"]
        )
        try await eventually("psql to hold a session on \(name)", timeout: .seconds(60)) {
            let count = try await TestPostgres.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = '\(name)'")
            return count.trimmingCharacters(in: .whitespacesAndNewlines) != "0"
        }
        try await TestPostgres.dropDatabase(named: name)
        #expect(try await !TestPostgres.databaseExists(named: name))
        let exit = try await session.waitForExit(timeout: .seconds(20))
        #expect(exit != .exited(0), "the session on the dropped database was cut: \(session.output())")
    }

    @Test func aRunWithoutATestServerIsToldHowToStartOne() {
        let message = TestPostgres.Missing().description
        #expect(message.contains("KIAMO_TEST_POSTGRES_URL"))
        #expect(message.contains("scripts/test-postgres start"))
        #expect(message.contains("make test"))
    }
}
