import Foundation
import GRDB
import TestSupport
import Testing

@testable import SharedState

/// Opening a state store: the file-level cases are SQLite's by nature (a PRAGMA stamp, a garbage
/// or foreign file, paths); workers opening a new store at once is both backends' (SQLite's WAL
/// switch; PostgreSQL's migrations under an advisory lock).
@Suite(.scratchDatabases) struct OpeningTests {
    @Test func aNewFileIsCreatedStampedAndReopenedWithItsData() async throws {
        let fixture = try await StoreFixture()
        _ = try await fixture.store.commitInbound(account: "1", publishedIds: ["5"], cursor: "5")
        let again = try await fixture.reopen()
        #expect(try await again.cursor(account: "1") == "5")
        let (version, application) = try await DatabaseQueue(path: fixture.folder.path("state.db")).read { db in
            (try Int.fetchOne(db, sql: "PRAGMA user_version"), try Int.fetchOne(db, sql: "PRAGMA application_id"))
        }
        #expect(version == 6)
        #expect(application == 0x4B54_5753)
    }

    /// A file of the previous version (5, before the send ledger kept uploaded media) is migrated
    /// in place when a newer worker opens it, its entries kept.
    @Test func aVersionFiveFileGainsTheMediaColumnsAndKeepsItsSends() async throws {
        let fixture = try await StoreFixture()
        _ = try await fixture.store.claimSend(account: "1", key: "cmd", owner: "a")
        let path = fixture.folder.path("state.db")
        try await DatabaseQueue(path: path).writeWithoutTransaction { db in
            try db.execute(sql: "ALTER TABLE send_ledger DROP COLUMN media_id; ALTER TABLE send_ledger DROP COLUMN media_uploaded_at; PRAGMA user_version = 5")
        }
        let again = try await fixture.reopen()
        #expect(try await again.sendEntry(account: "1", key: "cmd")?.state == .inFlight(owner: "a", since: fixture.clock.now()))
        guard case .applied(let entry) = try await again.recordSendMedia(account: "1", key: "cmd", owner: "a", mediaId: "42", uploadedAt: fixture.clock.now()) else {
            Issue.record("the migrated ledger should record media")
            return
        }
        #expect(entry.mediaId == "42")
        let version = try await DatabaseQueue(path: path).read { try Int.fetchOne($0, sql: "PRAGMA user_version") }
        #expect(version == 6)
    }

    @Test func aFileFromANewerSchemaIsRefusedAndLeftUntouched() async throws {
        let fixture = try await StoreFixture()
        _ = try await fixture.store.commitInbound(account: "1", publishedIds: ["7"], cursor: "7")
        let path = fixture.folder.path("state.db")
        try await DatabaseQueue(path: path).writeWithoutTransaction { try $0.execute(sql: "PRAGMA user_version = 99") }

        let error = await #expect(throws: StateStoreError.self) { _ = try await fixture.reopen() }
        #expect(error == .newerSchema(file: path, found: 99, supported: 6))
        #expect(error?.description.contains("Upgrade every worker") == true)
        let cursor = try await DatabaseQueue(path: path).read { try Int64.fetchOne($0, sql: "SELECT last_read_id FROM cursors") }
        #expect(cursor == 7)
    }

    @Test func aGarbageFileIsUnreadableAndLeftUntouched() async throws {
        let folder = try TemporaryFolder()
        let path = folder.path("state.db")
        let garbage = Data((0..<8192).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) })
        try garbage.write(to: URL(fileURLWithPath: path))

        let error = await #expect(throws: StateStoreError.self) {
            _ = try await openStateStore(url: folder.stateURL(), logger: StoreFixture.logger)
        }
        guard case .unreadable(let file, _) = error else {
            Issue.record("expected .unreadable, got \(String(describing: error))")
            return
        }
        #expect(file == path)
        #expect(error?.description.contains("restore the file from a backup") == true)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == garbage)
    }

    @Test func anotherProgramsDatabaseIsRefusedNotMigratedInto() async throws {
        let folder = try TemporaryFolder()
        let path = folder.path("state.db")
        try await DatabaseQueue(path: path).write { try $0.execute(sql: "CREATE TABLE invoices (id INTEGER)") }

        let error = await #expect(throws: StateStoreError.self) {
            _ = try await openStateStore(url: folder.stateURL(), logger: StoreFixture.logger)
        }
        guard case .unreadable(_, let reason) = error else {
            Issue.record("expected .unreadable, got \(String(describing: error))")
            return
        }
        #expect(reason.contains("invoices"))
        let tables = try await DatabaseQueue(path: path).read { try String.fetchAll($0, sql: "SELECT name FROM sqlite_master WHERE type = 'table'") }
        #expect(tables == ["invoices"])
    }

    @Test func aMissingFolderIsAClearOpenError() async throws {
        let folder = try TemporaryFolder()
        let path = folder.path("absent/state.db")
        let error = await #expect(throws: StateStoreError.self) {
            _ = try await openStateStore(url: "sqlite://" + path, logger: StoreFixture.logger)
        }
        #expect(error == .cannotOpen(file: path, reason: "the folder \(folder.path("absent")) does not exist"))
    }

    @Test func aPathThroughAFileIsAClearOpenError() async throws {
        let folder = try TemporaryFolder()
        try Data("x".utf8).write(to: URL(fileURLWithPath: folder.path("plain")))
        let path = folder.path("plain/state.db")
        let error = await #expect(throws: StateStoreError.self) {
            _ = try await openStateStore(url: "sqlite://" + path, logger: StoreFixture.logger)
        }
        guard case .cannotOpen(let file, _) = error else {
            Issue.record("expected .cannotOpen, got \(String(describing: error))")
            return
        }
        #expect(file == path)
    }

    @Test func aFolderAsTheFileIsAClearOpenError() async throws {
        let folder = try TemporaryFolder()
        let error = await #expect(throws: StateStoreError.self) {
            _ = try await openStateStore(url: "sqlite://" + folder.url.path, logger: StoreFixture.logger)
        }
        #expect(error == .cannotOpen(file: folder.url.path, reason: "it is a folder, not a file"))
    }

    @Test func synchronousFullIsAppliedToTheWriter() async throws {
        let folder = try TemporaryFolder()
        let store = try await openStateStore(url: folder.stateURL() + "?synchronous=full", logger: StoreFixture.logger)
        let sqlite = try #require(store as? SQLiteStateStore)
        #expect(try await Self.writerSynchronous(sqlite) == 2)
        let normal = try #require(try await openStateStore(url: folder.stateURL("other.db"), logger: StoreFixture.logger) as? SQLiteStateStore)
        #expect(try await Self.writerSynchronous(normal) == 1)
    }

    @Test(arguments: StateBackend.allCases) func concurrentOpensOfAFreshFileAllSucceed(backend: StateBackend) async throws {
        let folder = try TemporaryFolder()
        let url = try await StoreFixture.freshURL(backend, in: folder)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<8 {
                group.addTask {
                    let store = try await openStateStore(url: url, logger: StoreFixture.logger)
                    _ = try await store.commitInbound(account: "a", publishedIds: ["\(index + 1)"], cursor: nil)
                }
            }
            try await group.waitForAll()
        }
        let store = try await openStateStore(url: url, logger: StoreFixture.logger)
        #expect(try await store.filterUnseen(account: "a", ids: (1...8).map(String.init)).isEmpty)
    }

    /// `PRAGMA synchronous` of the store's writer connection (1 NORMAL, 2 FULL).
    private static func writerSynchronous(_ store: SQLiteStateStore) async throws -> Int? {
        try await store.pool.writeWithoutTransaction { try Int.fetchOne($0, sql: "PRAGMA synchronous") }
    }
}
