import Foundation
import SharedState
import TestSupport
import Testing

@Suite struct CacheRulesTests {
    let policy = CachePolicy(enabled: true, checkEveryInSecs: 60, expirationInSecs: 100)
    let start = Date(timeIntervalSince1970: 1_000)

    @Test func aRecordExpiresOnlyOnceOlderThanExpirationInSecs() {
        #expect(!CacheRules.isExpired(updatedAt: start, now: start.addingTimeInterval(100), policy: policy))
        #expect(CacheRules.isExpired(updatedAt: start, now: start.addingTimeInterval(100.001), policy: policy))
    }

    @Test func onlyAStrictlyNewerRecordReplaces() {
        #expect(CacheRules.replaces(existingUpdatedAt: nil, with: start))
        #expect(CacheRules.replaces(existingUpdatedAt: start, with: start.addingTimeInterval(1)))
        #expect(!CacheRules.replaces(existingUpdatedAt: start, with: start))
        #expect(!CacheRules.replaces(existingUpdatedAt: start, with: start.addingTimeInterval(-1)))
    }

    @Test func cleaningIsDueAtMostOncePerCheckEveryInSecs() {
        #expect(CacheRules.isCleaningDue(lastCleanedAt: nil, now: start, policy: policy))
        #expect(!CacheRules.isCleaningDue(lastCleanedAt: start, now: start.addingTimeInterval(59), policy: policy))
        #expect(CacheRules.isCleaningDue(lastCleanedAt: start, now: start.addingTimeInterval(60), policy: policy))
    }
}

@Suite(.scratchDatabases) struct CacheTests {
    let jane = CachedUser(id: "906948460078698496", name: "Jane Doe", username: "janedoe")

    private func fixture(_ backend: StateBackend, enabled: Bool = true) async throws -> StoreFixture {
        try await StoreFixture(backend) { $0.cache = CachePolicy(enabled: enabled, checkEveryInSecs: 60, expirationInSecs: 100) }
    }

    @Test(arguments: StateBackend.allCases) func anAddedUserIsReturnedUntilItExpires(backend: StateBackend) async throws {
        let fixture = try await fixture(backend)
        let store = fixture.store
        try await store.addToCache(account: "1", user: jane, at: fixture.clock.now())
        #expect(try await store.getFromCache(account: "1", userId: jane.id) == jane)
        #expect(try await store.getFromCache(account: "2", userId: jane.id) == nil)
        fixture.clock.advance(seconds: 100)
        #expect(try await store.getFromCache(account: "1", userId: jane.id) == jane)
        fixture.clock.advance(seconds: 1)
        #expect(try await store.getFromCache(account: "1", userId: jane.id) == nil)
    }

    @Test(arguments: StateBackend.allCases) func theNewerRecordWinsWhateverTheOrderOfAdds(backend: StateBackend) async throws {
        let fixture = try await fixture(backend)
        let now = fixture.clock.now()
        var renamed = jane
        renamed.name = "Jane Smith"
        #expect(try await fixture.store.addToCache(account: "1", user: renamed, at: now))
        #expect(try await !fixture.store.addToCache(account: "1", user: jane, at: now.addingTimeInterval(-5)))
        #expect(try await fixture.store.getFromCache(account: "1", userId: jane.id)?.name == "Jane Smith")
        #expect(try await fixture.store.addToCache(account: "1", user: jane, at: now.addingTimeInterval(5)))
        #expect(try await fixture.store.getFromCache(account: "1", userId: jane.id)?.name == "Jane Doe")
    }

    @Test(arguments: StateBackend.allCases) func conversationsAreFoundByIdAndByParticipant(backend: StateBackend) async throws {
        let fixture = try await fixture(backend)
        let now = fixture.clock.now()
        let old = CachedConversation(conversationId: "1234-906948460078698496", participantId: jane.id)
        let newer = CachedConversation(conversationId: "group-77", participantId: jane.id)
        try await fixture.store.addToCache(account: "1", conversation: old, at: now.addingTimeInterval(-10))
        try await fixture.store.addToCache(account: "1", conversation: newer, at: now)
        #expect(try await fixture.store.getFromCache(account: "1", conversationId: old.conversationId) == old)
        #expect(try await fixture.store.getFromCache(account: "1", participantId: jane.id) == newer)
        fixture.clock.advance(seconds: 101)
        #expect(try await fixture.store.getFromCache(account: "1", participantId: jane.id) == nil)
    }

    @Test(arguments: StateBackend.allCases) func aDisabledCacheMissesAndStoresNothing(backend: StateBackend) async throws {
        let fixture = try await fixture(backend, enabled: false)
        #expect(try await !fixture.store.addToCache(account: "1", user: jane, at: fixture.clock.now()))
        #expect(try await fixture.store.getFromCache(account: "1", userId: jane.id) == nil)
        #expect(try await fixture.store.cleanCache(account: "1") == .disabled)
        let enabled = try await fixture.reopen()
        #expect(try await enabled.getFromCache(account: "1", userId: jane.id) == nil)
    }

    @Test(arguments: StateBackend.allCases) func cleaningDeletesExpiredRecordsAtMostOncePerPeriodAcrossStores(backend: StateBackend) async throws {
        let fixture = try await fixture(backend)
        let other = try await fixture.reopen { $0.cache = CachePolicy(enabled: true, checkEveryInSecs: 60, expirationInSecs: 100) }
        let start = fixture.clock.now()
        try await fixture.store.addToCache(account: "1", user: jane, at: start)
        try await fixture.store.addToCache(account: "1", conversation: CachedConversation(conversationId: "c", participantId: jane.id), at: start)
        try await fixture.store.addToCache(account: "1", user: CachedUser(id: "2", name: "B", username: "b"), at: start.addingTimeInterval(50))

        #expect(try await fixture.store.cleanCache(account: "1") == .cleaned(removed: 0))
        fixture.clock.advance(seconds: 120) // jane and the conversation are expired, user 2 is not
        #expect(try await other.cleanCache(account: "1") == .cleaned(removed: 2))
        #expect(try await fixture.store.cleanCache(account: "1") == .notDue(nextAt: start.addingTimeInterval(180)))
        let snapshot = try await fixture.store.debugSnapshot()
        #expect(snapshot.accounts.first?.users.map(\.record.id) == ["2"])
        #expect(snapshot.accounts.first?.conversations.isEmpty == true)
    }

    @Test(arguments: StateBackend.allCases) func concurrentCleanersCleanOnce(backend: StateBackend) async throws {
        let fixture = try await fixture(backend)
        let stores = [fixture.store, try await fixture.reopen(), try await fixture.reopen(), try await fixture.reopen()]
        let outcomes = try await withThrowingTaskGroup(of: CacheCleaning.self) { group in
            for store in stores { group.addTask { try await store.cleanCache(account: "1") } }
            return try await group.reduce(into: [CacheCleaning]()) { $0.append($1) }
        }
        #expect(outcomes.filter { if case .cleaned = $0 { true } else { false } }.count == 1)
    }
}
