import Foundation
import GRDB
import Testing

@testable import SharedState

@Suite struct BusyTests {
    @Test func theBusyHandlerYieldsThenSleepsBrieflyGrowingToOneMillisecond() {
        let delays = (0..<60).map { SQLiteBusyHandler.delayMicroseconds(afterTries: $0) }
        #expect(Array(delays.prefix(5)) == [0, 0, 0, 20, 40])
        #expect(delays.last == 1000)
        #expect(zip(delays, delays.dropFirst()).allSatisfy { $0 <= $1 })
    }

    @Test func aLockHeldLongerThanTheBusyTimeoutIsAnActionableError() async throws {
        let folder = try TemporaryFolder()
        let store = try await openStateStore(url: folder.stateURL() + "?busy_timeout_ms=100", logger: StoreFixture.logger)
        let holder = try Self.lockHolder(folder.path("state.db"))
        try await holder.writeWithoutTransaction { try $0.beginTransaction(.immediate) }
        let started = ContinuousClock.now
        let error = await #expect(throws: StateStoreError.self) {
            try await store.commitInbound(account: "1", publishedIds: ["5"], cursor: "5")
        }
        #expect(ContinuousClock.now - started >= .milliseconds(100))
        guard case .database(let file, _, let reason) = error else {
            Issue.record("expected .database, got \(String(describing: error))")
            return
        }
        #expect(file == folder.path("state.db"))
        #expect(reason.contains("busy_timeout_ms"))
        try await holder.writeWithoutTransaction { try $0.commit() }
        #expect(try await store.commitInbound(account: "1", publishedIds: ["5"], cursor: "5") == "5")
    }

    /// A connection of another "process" that can hold the write lock across calls.
    private static func lockHolder(_ path: String) throws -> DatabaseQueue {
        var configuration = Configuration()
        configuration.allowsUnsafeTransactions = true
        return try DatabaseQueue(path: path, configuration: configuration)
    }
}
