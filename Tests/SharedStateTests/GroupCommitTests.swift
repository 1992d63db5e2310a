import Foundation
import GRDB
import Synchronization
import Testing

@testable import SharedState

/// `SQLiteGroupCommit`: writes made at once share a transaction, and each still behaves as a
/// transaction of its own (all or nothing, durable when its caller resumes).
@Suite struct GroupCommitTests {
    private struct Boom: Error {}

    private static func openPool(_ folder: TemporaryFolder) throws -> DatabasePool {
        let pool = try DatabasePool(path: folder.path("group.db"))
        try pool.write { db in
            try db.execute(sql: "CREATE TABLE t (id INTEGER PRIMARY KEY, value TEXT NOT NULL)")
        }
        return pool
    }

    @Test func concurrentWritesAllCommitAndAFailingOneLeavesNothingBehind() async throws {
        let folder = try TemporaryFolder()
        let pool = try Self.openPool(folder)
        let group = SQLiteGroupCommit(pool: pool)
        let failing = Set(stride(from: 7, to: 500, by: 13))
        let results = await withTaskGroup(of: (Int, Bool).self) { tasks in
            for id in 0..<500 {
                tasks.addTask {
                    do {
                        try await group.write { db in
                            // Two rows per write: a failing one wrote its first before it threw.
                            try db.execute(sql: "INSERT INTO t (id, value) VALUES (?, 'a')", arguments: [id * 2])
                            if failing.contains(id) { throw Boom() }
                            try db.execute(sql: "INSERT INTO t (id, value) VALUES (?, 'b')", arguments: [id * 2 + 1])
                        }
                        return (id, true)
                    } catch {
                        return (id, false)
                    }
                }
            }
            var results: [Int: Bool] = [:]
            for await (id, ok) in tasks { results[id] = ok }
            return results
        }
        #expect(results.filter { !$0.value }.keys.sorted() == failing.sorted())
        let ids = try await pool.read { try Int.fetchAll($0, sql: "SELECT id FROM t ORDER BY id") }
        let expected = (0..<500).filter { !failing.contains($0) }.flatMap { [$0 * 2, $0 * 2 + 1] }
        #expect(ids == expected)
    }

    @Test func writesRunInTheOrderSubmittedAndSeeEarlierOnes() async throws {
        let folder = try TemporaryFolder()
        let pool = try Self.openPool(folder)
        let group = SQLiteGroupCommit(pool: pool)
        try await group.write { db in try db.execute(sql: "INSERT INTO t (id, value) VALUES (1, '')") }
        // Submitted one after another from one task, some while a transaction runs.
        let seen = Mutex<[String]>([])
        await withTaskGroup(of: Void.self) { tasks in
            for letter in "abcdefghij" {
                let before = try? await group.write { db in
                    let value = try String.fetchOne(db, sql: "SELECT value FROM t WHERE id = 1") ?? ""
                    try db.execute(sql: "UPDATE t SET value = value || ? WHERE id = 1", arguments: [String(letter)])
                    return value
                }
                seen.withLock { $0.append(before ?? "?") }
                tasks.addTask { _ = try? await group.write { db in try db.execute(sql: "INSERT INTO t (value) VALUES ('x')") } }
            }
        }
        #expect(seen.withLock { $0 } == ["", "a", "ab", "abc", "abcd", "abcde", "abcdef", "abcdefg", "abcdefgh", "abcdefghi"])
        let value = try await pool.read { try String.fetchOne($0, sql: "SELECT value FROM t WHERE id = 1") }
        #expect(value == "abcdefghij")
    }

    @Test func aTransactionThatCannotBeginFailsEveryWriteInItAndTheNextOnesRun() async throws {
        let folder = try TemporaryFolder()
        var configuration = Configuration()
        configuration.busyMode = .timeout(0.1)
        let pool = try DatabasePool(path: folder.path("group.db"), configuration: configuration)
        try await pool.write { db in try db.execute(sql: "CREATE TABLE t (id INTEGER PRIMARY KEY, value TEXT NOT NULL)") }
        let group = SQLiteGroupCommit(pool: pool)
        // Another "process" holds the write lock past the busy timeout.
        var holderConfiguration = Configuration()
        holderConfiguration.allowsUnsafeTransactions = true
        let holder = try DatabaseQueue(path: folder.path("group.db"), configuration: holderConfiguration)
        try await holder.writeWithoutTransaction { try $0.beginTransaction(.immediate) }
        let failures = await withTaskGroup(of: Bool.self) { tasks in
            for id in 0..<20 {
                tasks.addTask {
                    (try? await group.write { db in try db.execute(sql: "INSERT INTO t (id, value) VALUES (?, 'x')", arguments: [id]) }) == nil
                }
            }
            return await tasks.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(failures == 20)
        try await holder.writeWithoutTransaction { try $0.commit() }
        try await group.write { db in try db.execute(sql: "INSERT INTO t (id, value) VALUES (100, 'y')") }
        let count = try await pool.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM t") }
        #expect(count == 1)
    }

    @Test func writesFromTheStoreShareTransactions() async throws {
        // The store's own writes through the group: many at once, every one recorded.
        let folder = try TemporaryFolder()
        let store = try await SQLiteStateStore.open(SQLiteLocation(path: folder.path("state.db")), logger: StoreFixture.logger)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            for index in 0..<200 {
                tasks.addTask {
                    let key = "cmd-\(index)#0"
                    guard case .claimed = try await store.claimSend(account: "1", key: key, owner: "o") else {
                        throw Boom()
                    }
                    _ = try await store.completeSend(account: "1", key: key, owner: "o", dmEventId: "dm-\(index)", conversationId: nil)
                }
            }
            try await tasks.waitForAll()
        }
        for index in 0..<200 {
            let entry = try await store.sendEntry(account: "1", key: "cmd-\(index)#0")
            guard let state = entry?.state, case .sent(let dmEventId, _, _) = state else {
                Issue.record("cmd-\(index) is not recorded sent: \(String(describing: entry))")
                continue
            }
            #expect(dmEventId == "dm-\(index)")
        }
    }
}
