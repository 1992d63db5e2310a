import Foundation
import Logging
import SharedState
import TestSupport
import Testing

/// `kiamo-twitter state migrate`: a deployment's whole state moved to another store, only with the
/// workers stopped, only into an empty store, and verified record by record.
@Suite struct CLIStateMigrateTests {
    static let logger: Logger = {
        var logger = Logger(label: "CLIStateMigrateTests")
        logger.logLevel = .critical
        return logger
    }()

    /// A source store holding one of everything a worker writes.
    static func filledStore(at file: String) async throws -> any StateStore {
        let store = try await openStateStore(url: "sqlite://\(file)", logger: logger)
        let account = "1001"
        _ = try await store.seedToken(
            account: account,
            TokenPair(
                accessToken: "access-secret", refreshToken: "refresh-secret",
                expiresAt: Date().addingTimeInterval(3600), scope: "dm.read"))
        try await store.commitInbound(
            account: account, publishedIds: ["1800000000000000001", "1800000000000000002"],
            cursor: "1800000000000000002")
        try await store.addToCache(account: account, user: CachedUser(id: "42", name: "Ada", username: "ada"), at: Date())
        try await store.addToCache(account: account, conversation: CachedConversation(conversationId: "42-1001", participantId: "42"), at: Date())
        try await store.recordPending(account: account, key: "command-1")
        #expect(try await store.claimSend(account: account, key: "command-1", owner: "worker-a").isOwned)
        _ = try await store.completeSend(account: account, key: "command-1", owner: "worker-a", dmEventId: "1800000000000000003", conversationId: "42-1001")
        try await store.recordPending(account: account, key: "command-2")
        _ = try await store.beginDelivery(account: account, commandId: "command-2")
        try await store.recordRateLimit(
            account: account, endpoint: "dm_events",
            RateLimitObservation(limit: 300, remaining: 250, resetAt: Date().addingTimeInterval(600)))
        return store
    }

    @Test func everyRecordIsCopiedAndVerified() async throws {
        let environment = try CLIEnvironment.offline()
        let source = try WorkerProcess.temporaryStateFile()
        let target = try WorkerProcess.temporaryStateFile()
        let store = try await Self.filledStore(at: source)
        // A lease that has run out: a stopped worker's, which does not block the migration.
        _ = try await store.acquireLease(account: "1001", name: "ingest", owner: "stopped-worker", ttl: .milliseconds(1))
        try await Task.sleep(for: .milliseconds(20))

        let result = try await environment.run(["state", "migrate", "--from", "sqlite://\(source)", "--to", "sqlite://\(target)", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try JSONDocument(result.stdout)
        #expect(report["verified"] as? Bool == true)
        #expect(!result.stdout.contains("secret") && !result.stderr.contains("secret"))

        let copied = try await openStateStore(url: "sqlite://\(target)", logger: Self.logger)
        let original = store
        let expected = try await original.exportTables()
        #expect(try await copied.exportTables() == expected)
        #expect(expected.allSatisfy { !$0.rows.isEmpty || ["recipient_lines", "cache_cleanings"].contains($0.name) })
    }

    @Test func aLiveLeaseRefusesTheMigration() async throws {
        let environment = try CLIEnvironment.offline()
        let source = try WorkerProcess.temporaryStateFile()
        let target = try WorkerProcess.temporaryStateFile()
        let store = try await Self.filledStore(at: source)
        _ = try await store.acquireLease(account: "1001", name: "ingest", owner: "running-worker", ttl: .seconds(60))

        let result = try await environment.run(["state", "migrate", "--from", "sqlite://\(source)", "--to", "sqlite://\(target)"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("live lease"), "\(result.stderr)")
        let untouched = try await openStateStore(url: "sqlite://\(target)", logger: Self.logger)
        #expect(try await untouched.exportTables().allSatisfy(\.rows.isEmpty))
    }

    @Test func aTargetHoldingRecordsIsRefusedAndLeftAsItWas() async throws {
        let environment = try CLIEnvironment.offline()
        let source = try WorkerProcess.temporaryStateFile()
        let target = try WorkerProcess.temporaryStateFile()
        _ = try await Self.filledStore(at: source)
        let other = try await openStateStore(url: "sqlite://\(target)", logger: Self.logger)
        try await other.commitInbound(account: "2002", publishedIds: ["1900000000000000001"], cursor: "1900000000000000001")
        let before = try await other.exportTables()

        let result = try await environment.run(["state", "migrate", "--from", "sqlite://\(source)", "--to", "sqlite://\(target)"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("already holds records"), "\(result.stderr)")
        #expect(try await other.exportTables() == before)
    }

    @Test func aMissingSourceFileIsAUsageError() async throws {
        let environment = try CLIEnvironment.offline()
        let target = try WorkerProcess.temporaryStateFile()
        let result = try await environment.run(["state", "migrate", "--from", "sqlite:///nonexistent/state.db", "--to", "sqlite://\(target)"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("does not exist"), "\(result.stderr)")
    }

    /// A single-host deployment moved to PostgreSQL, and back into a new SQLite file: every
    /// record arrives unchanged both ways, and the database password is never printed.
    @Test func aSQLiteStateMovesToPostgreSQLAndBackUnchanged() async throws {
        let environment = try CLIEnvironment.offline()
        let source = try WorkerProcess.temporaryStateFile()
        let back = try WorkerProcess.temporaryStateFile()
        let store = try await Self.filledStore(at: source)
        let database = try await TestPostgres.createDatabase()
        defer { Task { try? await TestPostgres.dropDatabase(named: database) } }
        let postgres = try TestPostgres.url(ofDatabase: database)
        let password = URLComponents(string: postgres)?.password ?? "no-password"

        let there = try await environment.run(["state", "migrate", "--from", "sqlite://\(source)", "--to", postgres])
        #expect(there.status == 0, "\(there)")
        #expect(!there.stdout.contains(password) && !there.stderr.contains(password))
        let again = try await environment.run(["state", "migrate", "--from", "sqlite://\(source)", "--to", postgres])
        #expect(again.status == 1)
        #expect(again.stderr.contains("already holds records") && !again.stderr.contains(password), "\(again)")

        let home = try await environment.run(["state", "migrate", "--from", postgres, "--to", "sqlite://\(back)"])
        #expect(home.status == 0, "\(home)")
        let original = try await store.exportTables()
        let returned = try await openStateStore(url: "sqlite://\(back)", logger: Self.logger).exportTables()
        #expect(returned == original)
    }
}
