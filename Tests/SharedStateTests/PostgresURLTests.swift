import Foundation
import SharedState
import Testing

@Suite struct PostgresURLTests {
    @Test func aPostgresURLNamesServerLoginDatabaseAndSettings() throws {
        let url = try StateStoreURL(
            parsing: "postgresql://kiamo:p%40ss/w@rd@db.example:6543/state?sslmode=verify-full&sslrootcert=/etc/ca.pem&application_name=ingest&pool_size=4&statement_timeout_ms=2000")
        guard case .postgres(let location) = url else { Issue.record("a PostgreSQL URL"); return }
        #expect(location.host == "db.example")
        #expect(location.port == 6543)
        #expect(location.user == "kiamo")
        #expect(location.password == "p@ss/w@rd", "the user information runs to the last @, percent-decoded")
        #expect(location.database == "state")
        #expect(location.sslMode == .verifyFull)
        #expect(location.sslRootCert == "/etc/ca.pem")
        #expect(location.applicationName == "ingest")
        #expect(location.poolSize == 4)
        #expect(location.statementTimeout == .milliseconds(2000))
        #expect(!location.description.contains("p%40ss"))
        #expect(location.redacted.hasPrefix("postgresql://****@db.example:6543/state"))
    }

    @Test func defaultsArePreferAPoolOfEightAndFiveSecondStatements() throws {
        guard case .postgres(let location) = try StateStoreURL(parsing: "postgres://kiamo@[::1]/state") else { Issue.record("a PostgreSQL URL"); return }
        #expect(location.host == "::1")
        #expect(location.port == 5432)
        #expect(location.password == nil)
        #expect(location.sslMode == .prefer)
        #expect(location.poolSize == 8)
        #expect(location.statementTimeout == .seconds(5))
    }

    @Test(arguments: [
        ("postgres://db.example/state", "no user name"),
        ("postgres://kiamo:pw@db.example", "no database name"),
        ("postgres://kiamo:pw@db.example:99999/state", "port"),
        ("postgres://kiamo:pw@db.example/state?sslmode=allow", "sslmode must be"),
        ("postgres://kiamo:pw@db.example/state?pool_size=0", "pool_size"),
        ("postgres://kiamo:pw@db.example/state?sslrootcert=/ca.pem", "only read with sslmode=verify-full"),
        ("postgres://kiamo:pw@db.example/state?connect_timeout=3", "unknown parameter 'connect_timeout'"),
    ])
    func malformedURLsAreRefusedSayingWhatIsWrongWithoutThePassword(url: String, expected: String) {
        #expect {
            try StateStoreURL(parsing: url)
        } throws: { error in
            guard case .invalidURL(let shown, let reason) = error as? StateStoreError else { return false }
            return reason.contains(expected) && !shown.contains("pw")
        }
    }
}
