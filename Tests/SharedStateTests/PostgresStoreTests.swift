import Foundation
import SharedState
import Testing

/// Every operation of the state store on PostgreSQL, with the semantics the SQLite tests check
/// (until the conformance suite runs those on both backends).
@Suite(.serialized) struct PostgresStoreTests {
    @Test func tokensAreStoredWithACompareAndSetOnTheVersion() async throws {
        try await PostgresFixture.with { (fixture: PostgresFixture) async throws in
            let store = fixture.store
            let first = TokenPair(accessToken: "access-1", refreshToken: "refresh-1", expiresAt: Date(timeIntervalSince1970: 1_700_003_600), scope: "dm.read")
            guard case .stored(let stored) = try await store.storeToken(account: "1", first, ifVersion: nil) else {
                Issue.record("the first pair is stored")
                return
            }
            #expect(stored.version == 1)
            #expect(try await store.storedToken(account: "1") == stored)
            let second = TokenPair(accessToken: "access-2", refreshToken: "refresh-2", expiresAt: Date(timeIntervalSince1970: 1_700_007_200), scope: nil)
            #expect(try await store.storeToken(account: "1", second, ifVersion: nil) == .conflict(current: stored))
            #expect(try await store.storeToken(account: "1", second, ifVersion: 5) == .conflict(current: stored))
            guard case .stored(let rotated) = try await store.storeToken(account: "1", second, ifVersion: 1) else {
                Issue.record("the rotation applies")
                return
            }
            #expect(rotated.version == 2)
            #expect(rotated.token == second)
            #expect(try await store.seedToken(account: "1", first).version == 2, "a seed never overwrites")
        }
    }

    @Test func aLeaseIsExclusiveUntilReleasedOrExpired() async throws {
        try await PostgresFixture.with { (fixture: PostgresFixture) async throws in
            let store = fixture.store
            #expect(try await store.acquireLease(account: "1", name: "ingest", owner: "a", ttl: .seconds(10))?.owner == "a")
            #expect(try await store.acquireLease(account: "1", name: "ingest", owner: "b", ttl: .seconds(10)) == nil)
            #expect(try await store.acquireLease(account: "2", name: "ingest", owner: "b", ttl: .seconds(10)) != nil)
            #expect(try await store.leaseHolder(account: "1", name: "ingest")?.owner == "a")
            #expect(try await !store.releaseLease(account: "1", name: "ingest", owner: "b"))
            #expect(try await store.releaseLease(account: "1", name: "ingest", owner: "a"))
            #expect(try await store.leaseHolder(account: "1", name: "ingest") == nil)

            _ = try await store.acquireLease(account: "1", name: "ingest", owner: "a", ttl: .seconds(10))
            fixture.clock.advance(seconds: 5)
            #expect(try await store.renewLease(account: "1", name: "ingest", owner: "a", ttl: .seconds(10))?.expiresAt == fixture.clock.now().addingTimeInterval(10))
            fixture.clock.advance(seconds: 10)
            #expect(try await store.leaseHolder(account: "1", name: "ingest") == nil)
            #expect(try await store.acquireLease(account: "1", name: "ingest", owner: "b", ttl: .seconds(10))?.owner == "b")
            #expect(try await store.renewLease(account: "1", name: "ingest", owner: "a", ttl: .seconds(10)) == nil)
        }
    }

    @Test func concurrentAcquirersOfAFreeLeaseOnThreeStoresHaveOneWinner() async throws {
        try await PostgresFixture.with { (fixture: PostgresFixture) async throws in
            let stores = [fixture.store, try await fixture.reopen(), try await fixture.reopen()]
            let winners = try await withThrowingTaskGroup(of: Lease?.self) { group in
                for index in 0..<12 {
                    group.addTask { try await stores[index % 3].acquireLease(account: "1", name: "ingest", owner: "o\(index)", ttl: .seconds(10)) }
                }
                return try await group.reduce(into: [Lease]()) { if let lease = $1 { $0.append(lease) } }
            }
            #expect(winners.count == 1)
            for store in stores.dropFirst() { await store.close() }
        }
    }

    @Test func theSendLedgerGoesPendingInFlightSentAndConcurrentClaimersHaveOneWinner() async throws {
        try await PostgresFixture.with(options: { $0.staleClaimAfter = .seconds(60) }) { (fixture: PostgresFixture) async throws in
            let store = fixture.store
            #expect(try await store.recordPending(account: "1", key: "cmd").state == .pending)
            #expect(try await store.recordPending(account: "1", key: "cmd").revision == 1)
            #expect(try await store.claimSend(account: "1", key: "cmd", owner: "a") == .claimed(attempt: 1))
            #expect(try await store.claimSend(account: "1", key: "cmd", owner: "b") == .inFlightElsewhere(owner: "a", since: fixture.clock.now()))
            let posting = try await store.markSendPosting(account: "1", key: "cmd", owner: "a", outcomeUnknownSince: fixture.clock.now())
            guard case .applied = posting else { Issue.record("posting applies: \(posting)"); return }
            let result = try await store.completeSend(account: "1", key: "cmd", owner: "a", dmEventId: "1582838593371127812", conversationId: "1-2")
            guard case .applied(let entry) = result else { Issue.record("expected applied, got \(result)"); return }
            #expect(entry.state == .sent(dmEventId: "1582838593371127812", conversationId: "1-2", at: fixture.clock.now()))
            #expect(try await store.sendEntry(account: "1", key: "cmd") == entry)
            #expect(try await store.claimSend(account: "1", key: "cmd", owner: "b")
                    == .alreadySent(dmEventId: "1582838593371127812", conversationId: "1-2", at: fixture.clock.now()))
            guard case .applied(let reported) = try await store.markSendReported(account: "1", key: "cmd") else { Issue.record("reported applies"); return }
            #expect(reported.reportedAt == fixture.clock.now())

            // A stale claim is taken over, and the slow owner can no longer finish it.
            _ = try await store.claimSend(account: "1", key: "slow", owner: "a")
            fixture.clock.advance(seconds: 61)
            #expect(try await store.claimSend(account: "1", key: "slow", owner: "b")
                    == .reclaimed(previousOwner: "a", claimedAt: fixture.clock.now().addingTimeInterval(-61), attempt: 2))
            guard case .rejected = try await store.completeSend(account: "1", key: "slow", owner: "a", dmEventId: "9", conversationId: nil) else {
                Issue.record("the slow owner is rejected")
                return
            }

            let stores = [store, try await fixture.reopen(), try await fixture.reopen()]
            let claims = try await withThrowingTaskGroup(of: SendClaim.self) { group in
                for index in 0..<12 {
                    group.addTask { try await stores[index % 3].claimSend(account: "1", key: "race", owner: "o\(index)") }
                }
                return try await group.reduce(into: [SendClaim]()) { $0.append($1) }
            }
            #expect(claims.filter(\.isOwned).count == 1)
            for other in stores.dropFirst() { await other.close() }

            // Deliveries counted and settled.
            #expect(try await store.beginDelivery(account: "1", commandId: "c") == 1)
            #expect(try await store.beginDelivery(account: "1", commandId: "c") == 2)
            try await store.settleDelivery(account: "1", commandId: "c", finished: false)
            #expect(try await store.unsettledDeliveries(account: "1", commandId: "c") == 1)
            try await store.settleDelivery(account: "1", commandId: "c", finished: true)
            #expect(try await store.unsettledDeliveries(account: "1", commandId: "c") == 0)

            // Retention: sent and failed entries older than it go, in-flight ones stay.
            fixture.clock.advance(seconds: 31 * 24 * 3600)
            #expect(try await store.pruneSends(account: "1") == 1)
            #expect(try await store.sendEntry(account: "1", key: "cmd") == nil)
            #expect(try await store.sendEntry(account: "1", key: "race") != nil)
        }
    }

    @Test func theCacheKeepsTheNewerRecordExpiresAndIsCleanedOncePerPeriod() async throws {
        try await PostgresFixture.with(options: { $0.cache = CachePolicy(enabled: true, checkEveryInSecs: 60, expirationInSecs: 100) }) { (fixture: PostgresFixture) async throws in
            let store = fixture.store
            let now = fixture.clock.now()
            #expect(try await store.addToCache(account: "1", user: CachedUser(id: "u", name: "New", username: "new"), at: now))
            #expect(try await !store.addToCache(account: "1", user: CachedUser(id: "u", name: "Old", username: "old"), at: now.addingTimeInterval(-5)))
            #expect(try await store.getFromCache(account: "1", userId: "u")?.name == "New")
            #expect(try await store.addToCache(account: "1", conversation: CachedConversation(conversationId: "c1", participantId: "u"), at: now.addingTimeInterval(-10)))
            #expect(try await store.addToCache(account: "1", conversation: CachedConversation(conversationId: "c2", participantId: "u"), at: now))
            #expect(try await store.getFromCache(account: "1", participantId: "u")?.conversationId == "c2")
            #expect(try await store.getFromCache(account: "1", conversationId: "c1")?.participantId == "u")
            #expect(try await store.cleanCache(account: "1") == .cleaned(removed: 0))
            #expect(try await store.cleanCache(account: "1") == .notDue(nextAt: now.addingTimeInterval(60)))
            fixture.clock.advance(seconds: 95)
            #expect(try await store.getFromCache(account: "1", conversationId: "c1") == nil, "expired after 100 s")
            #expect(try await store.getFromCache(account: "1", userId: "u") != nil)
            #expect(try await store.cleanCache(account: "1") == .cleaned(removed: 1))
            fixture.clock.advance(seconds: 10)
            #expect(try await store.getFromCache(account: "1", participantId: "u") == nil)
            let snapshot = try await store.debugSnapshot()
            #expect(snapshot.accounts.map(\.account) == ["1"])
            #expect(snapshot.accounts.first?.users.count == 1)
        }
    }

    @Test func inboundIdsAndTheCursorMoveTogetherAndTheCursorNeverBack() async throws {
        try await PostgresFixture.with { (fixture: PostgresFixture) async throws in
            let store = fixture.store
            #expect(try await store.cursor(account: "1") == nil)
            #expect(try await store.commitInbound(account: "1", publishedIds: ["999", "1000"], cursor: "1000") == "1000")
            #expect(try await store.filterUnseen(account: "1", ids: ["1001", "999", "1000", "1002"]) == ["1001", "1002"])
            #expect(try await store.commitInbound(account: "1", publishedIds: ["998"], cursor: "998") == "1000")
            #expect(try await store.cursor(account: "1") == "1000")
            await #expect(throws: StateStoreError.invalidEventID("abc")) {
                try await store.commitInbound(account: "1", publishedIds: ["abc"], cursor: nil)
            }
            fixture.clock.advance(seconds: 31 * 24 * 3600)
            #expect(try await store.pruneInbound(account: "1") == 3)
            #expect(try await store.cursor(account: "1") == "1000")
        }
    }

    @Test func rateLimitBudgetsPaceAndCountCalls() async throws {
        try await PostgresFixture.with { (fixture: PostgresFixture) async throws in
            let store = fixture.store
            let reset = fixture.clock.now().addingTimeInterval(900)
            #expect(try await store.permission(account: "1", endpoint: "dm_events") == .now)
            try await store.recordRateLimit(account: "1", endpoint: "dm_events", RateLimitObservation(limit: 100, remaining: 50, resetAt: reset))
            #expect(try await store.permission(account: "1", endpoint: "dm_events") == .now)
            #expect(try await store.rateLimitBudget(account: "1", endpoint: "dm_events")?.remaining == 49)
            try await store.recordRateLimit(account: "1", endpoint: "dm_events", RateLimitObservation(limit: 100, remaining: 0, resetAt: reset, rejected: true))
            #expect(try await store.permission(account: "1", endpoint: "dm_events") == .after(reset))
        }
    }

    @Test func aRecipientLineAdmitsTheHeadAndParksTheOthersBehindIt() async throws {
        try await PostgresFixture.with { (fixture: PostgresFixture) async throws in
            let store = fixture.store
            guard case .go(let ticket) = try await store.admitToLine(account: "1", recipient: "r", commandId: "a", mayWait: false,
                                                                     fallbackTier: .seconds(5), posting: .seconds(30)) else {
                Issue.record("the first command goes")
                return
            }
            try await store.parkInLine(account: "1", recipient: "r", commandId: "a", tier: .seconds(10))
            #expect(try await store.admitToLine(account: "1", recipient: "r", commandId: "b", mayWait: false,
                                                fallbackTier: .seconds(5), posting: .seconds(30)) == .parkBehind(tier: .seconds(10)))
            #expect(try await store.recipientLine(account: "1", recipient: "r").map(\.commandId) == ["a", "b"])
            try await store.leaveLine(account: "1", recipient: "r", commandId: "a", ticket: ticket)
            #expect(try await store.recipientLine(account: "1", recipient: "r").map(\.commandId) == ["a", "b"], "parked since: stays")
            guard case .go(let second) = try await store.admitToLine(account: "1", recipient: "r", commandId: "a", mayWait: true,
                                                                     fallbackTier: .seconds(5), posting: .seconds(30)) else {
                Issue.record("the head goes")
                return
            }
            #expect(second > ticket)
            try await store.leaveLine(account: "1", recipient: "r", commandId: "a", ticket: second)
            #expect(try await store.recipientLine(account: "1", recipient: "r").map(\.commandId) == ["b"])
        }
    }
}
