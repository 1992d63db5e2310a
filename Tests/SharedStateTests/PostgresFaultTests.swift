import Foundation
import SharedState
import TestSupport
import Testing

/// Bad settings and a failing server: one clear `StateStoreError` naming `state.url`, the
/// password masked; a server that drops every connection under a running store.
@Suite(.serialized) struct PostgresFaultTests {
    /// Opens `url` and returns the error's one line; records an issue when it opens.
    private func openingError(_ url: String) async throws -> StateStoreError? {
        do {
            let store = try await PostgresStateStore.open(try PostgresFixture.location(url), logger: StoreFixture.logger)
            await store.close()
            Issue.record("\(url) opened")
            return nil
        } catch let error as StateStoreError {
            return error
        }
    }

    /// `url` with its user information replaced by `userInfo`.
    private func replacingLogin(_ url: String, with userInfo: String) -> String {
        guard let scheme = url.range(of: "://"), let at = url.lastIndex(of: "@") else { return url }
        return String(url[..<scheme.upperBound]) + userInfo + String(url[at...])
    }

    @Test func anUnreachableServerIsNamedWithoutThePassword() async throws {
        let error = try await openingError("postgres://kiamo:s3cret@127.0.0.1:1/state?sslmode=disable")
        guard case .cannotConnect(let url, let reason) = error else { Issue.record("cannotConnect, got \(String(describing: error))"); return }
        #expect(url == "postgres://****@127.0.0.1:1/state?sslmode=disable")
        #expect(reason.contains("cannot be reached"))
        #expect(error?.description.contains("state.url") == true)
        #expect(error?.description.contains("s3cret") == false)
    }

    @Test func aWrongPasswordSaysTheLoginWasRefused() async throws {
        try await PostgresFixture.withEmptyDatabase { url in
            let error = try await openingError(replacingLogin(url, with: "postgres:wrong-s3cret"))
            #expect(error?.description.contains("refused the login of user postgres") == true, "\(String(describing: error))")
            #expect(error?.description.contains("wrong-s3cret") == false)
            #expect(error?.description.contains("state.url") == true)
        }
    }

    @Test func aMissingDatabaseSaysHowToCreateIt() async throws {
        let error = try await openingError(try TestPostgres.url(ofDatabase: "kiamo_test_missing_database"))
        #expect(error?.description.contains("database kiamo_test_missing_database does not exist") == true, "\(String(describing: error))")
        #expect(error?.description.contains("CREATE DATABASE") == true)
    }

    @Test func aRoleThatMayNotCreateTheTablesIsToldWhichPrivilegeIsMissing() async throws {
        try await PostgresFixture.withEmptyDatabase { url in
            let role = "kiamo_test_reader_" + UUID().uuidString.prefix(8).lowercased()
            try await PostgresFixture.psql("CREATE ROLE \(role) LOGIN PASSWORD 'reader-s3cret'")
            do {
                // PostgreSQL 15 no longer lets every role create tables in schema public.
                try await PostgresFixture.psql("REVOKE CREATE ON SCHEMA public FROM PUBLIC", url: url)
                let error = try await openingError(replacingLogin(url, with: "\(role):reader-s3cret"))
                #expect(error?.description.contains("lacks a privilege") == true, "\(String(describing: error))")
                #expect(error?.description.contains("reader-s3cret") == false)
            } catch {
                _ = try? await PostgresFixture.psql("DROP ROLE IF EXISTS \(role)")
                throw error
            }
            // The role owns nothing; its login may still be open in the database, dropped first.
            try await TestPostgres.dropDatabase(named: try PostgresFixture.databaseName(of: url))
            try await PostgresFixture.psql("DROP ROLE IF EXISTS \(role)")
        }
    }

    @Test func verifyFullAgainstAServerWithoutTLSIsRefused() async throws {
        let server = try PlainPostgresListener()
        defer { server.stop() }
        let error = try await openingError(
            "postgres://kiamo:s3cret@localhost:\(server.port)/state?sslmode=verify-full&sslrootcert=\(try TestPostgres.tlsCA())")
        #expect(error?.description.contains("does not accept TLS") == true, "\(String(describing: error))")
        #expect(error?.description.contains("sslmode=verify-full") == true)
        #expect(error?.description.contains("s3cret") == false)
    }

    @Test func verifyFullWithTheServersCAOpensAndAnotherCAIsRefused() async throws {
        try await PostgresFixture.withEmptyDatabase { url in
            // verify-full checks the name the certificate carries: the host name, not 127.0.0.1.
            let named = url.replacingOccurrences(of: "@127.0.0.1:", with: "@localhost:")
            let secured = named.replacingOccurrences(of: "sslmode=disable", with: "sslmode=verify-full&sslrootcert=\(try TestPostgres.tlsCA())")
            let store = try await PostgresStateStore.open(try PostgresFixture.location(secured), logger: StoreFixture.logger)
            #expect(try await store.cursor(account: "1") == nil)
            await store.close()
            // The system's CAs did not sign the test server's certificate.
            let error = try await openingError(named.replacingOccurrences(of: "sslmode=disable", with: "sslmode=verify-full"))
            #expect(error?.description.contains("state.url") == true, "\(String(describing: error))")
            // An IP address cannot be checked against the certificate's name: said at once.
            let address = try await openingError(url.replacingOccurrences(of: "sslmode=disable", with: "sslmode=verify-full&sslrootcert=\(try TestPostgres.tlsCA())"))
            #expect(address?.description.contains("host name") == true, "\(String(describing: address))")
        }
    }

    @Test func aSchemaNewerThanTheWorkerRefusesToOpenAndIsLeftUntouched() async throws {
        try await PostgresFixture.with { (fixture: PostgresFixture) async throws in
            try await PostgresFixture.psql("UPDATE kiamo_twitter_schema SET version = 99", url: fixture.url)
            let error = try await openingError(fixture.url)
            guard case .newerDatabaseSchema(_, let found, let supported) = error else { Issue.record("newerDatabaseSchema, got \(String(describing: error))"); return }
            #expect(found == 99)
            #expect(supported == 3)
            #expect(error?.description.contains("state.url") == true)
            #expect(try await PostgresFixture.psql("SELECT version FROM kiamo_twitter_schema", url: fixture.url) == "99")
        }
    }

    /// Every connection of the store dropped by the server (what `pg_ctl restart -m fast` does
    /// to its clients): the next calls fail with a transient error, and later calls succeed on
    /// new ones. `KIAMO_TEST_POSTGRES_RESTART`, when set, is run instead to restart the server
    /// for real: set it only when this test runs alone, as it cuts every other test's connections.
    @Test func aServerThatDropsEveryConnectionFailsTheNextCallsTransientlyThenServesAgain() async throws {
        try await PostgresFixture.with(systemClock: true) { (fixture: PostgresFixture) async throws in
            let store = fixture.store
            _ = try await store.recordPending(account: "1", key: "before")
            if let restart = ProcessInfo.processInfo.environment["KIAMO_TEST_POSTGRES_RESTART"], !restart.isEmpty {
                // Its output goes nowhere: the restarted server would hold a pipe open for its life.
                let result = try await ChildProcess.run("/bin/bash", ["-c", "exec </dev/null >/dev/null 2>&1; " + restart])
                #expect(result.status == 0)
            } else {
                try await PostgresFixture.psql(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = '\(fixture.database)' AND pid <> pg_backend_pid()")
            }
            var failures: [StateStoreError] = []
            var served = false
            let deadline = ContinuousClock.now + .seconds(60)
            while !served && ContinuousClock.now < deadline {
                do {
                    _ = try await store.recordPending(account: "1", key: "after")
                    served = true
                } catch let error as StateStoreError {
                    failures.append(error)
                    try await Task.sleep(for: .milliseconds(100))
                }
            }
            #expect(served, "the pool reconnects: \(failures.map(\.description))")
            for failure in failures {
                guard case .unavailable = failure else { Issue.record("a transient error, got \(failure)"); continue }
            }
            #expect(try await store.sendEntry(account: "1", key: "before")?.state == .pending)
            #expect(try await store.sendEntry(account: "1", key: "after")?.state == .pending)
            // The liveness connection is back too: this process's owners are known alive again.
            #expect(try await store.acquireLease(account: "1", name: "ingest", owner: "after-restart", ttl: .seconds(30)) != nil)
        }
    }

    /// The liveness connection lost (the server restarted, the host was cut off), then many leases
    /// taken at once, as an ingest process with 70 accounts does: each call reconnected the
    /// liveness connection on its own (the actor lets them in at each await), each new connection
    /// replaced the one before, and the replaced ones were released open: PostgresNIO's assertion
    /// crashed the ingest worker (multi-host suite, PostgreSQL restarted), and a release build
    /// leaked sessions holding the process's lock.
    @Test func manyLeasesTakenAtOnceAfterTheLivenessConnectionWasLostShareOneNewConnection() async throws {
        try await PostgresFixture.with(systemClock: true) { (fixture: PostgresFixture) async throws in
            let store = fixture.store
            #expect(try await store.acquireLease(account: "0", name: "ingest", owner: "process-a", ttl: .seconds(30)) != nil)
            try await PostgresFixture.psql(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = '\(fixture.database)' AND pid <> pg_backend_pid()")
            let deadline = ContinuousClock.now + .seconds(60)
            var taken = 0
            while taken < 40 && ContinuousClock.now < deadline {
                taken = await withTaskGroup(of: Bool.self) { group in
                    for account in 1...40 {
                        group.addTask { (try? await store.acquireLease(account: "\(account)", name: "ingest", owner: "process-a", ttl: .seconds(30))) != nil }
                    }
                    return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
                }
                if taken < 40 { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(taken == 40)
            // The store learns that its liveness connection is gone when PostgresNIO sees the
            // socket close, which may come after those 40 calls (they then trusted the old one,
            // as any call can the instant before a connection dies). The renewals an ingest
            // process makes every few seconds take the lock again: they run 40 at once too, and
            // must share one new connection. One liveness session for this store, never one per
            // caller (1263816535: PostgresLocks.owners, "KTOW").
            var seen: [String] = []
            while seen.last != "1" && ContinuousClock.now < deadline {
                let renewed = await withTaskGroup(of: Bool.self) { group in
                    for account in 1...40 {
                        group.addTask { (try? await store.renewLease(account: "\(account)", name: "ingest", owner: "process-a", ttl: .seconds(30))) != nil }
                    }
                    return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
                }
                #expect(renewed == 40, "this process still holds its leases")
                seen.append(
                    try await PostgresFixture.psql(
                        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = 1263816535 AND objsubid = 2 AND granted "
                            + "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())", url: fixture.url))
                if seen.last != "1" { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(seen.last == "1", "advisory liveness locks held after each round of renewals: \(seen)")
            #expect(seen.allSatisfy { $0 == "0" || $0 == "1" }, "never more than one: \(seen)")
        }
    }
}
