import Foundation
import SharedState
import TestSupport
import Testing

@Suite(.scratchDatabases) struct SharedTokenRefreshTests {
    let account = "1234"

    private func tokens(_ store: any StateStore, leaseTTL: Duration = .seconds(30)) -> SharedTokenRefresh {
        SharedTokenRefresh(
            store: store, clock: store.options.clock, account: account, leaseTTL: leaseTTL, pollInterval: .milliseconds(5),
            isRefreshRejected: { $0 is RefreshRecorder.InvalidGrant }, logger: StoreFixture.logger
        )
    }

    /// Stores a pair whose access token expires `in` seconds from the manual clock's now.
    @discardableResult
    private func seed(_ fixture: StoreFixture, expiringIn seconds: Double) async throws -> StoredToken {
        try await fixture.store.seedToken(
            account: account,
            TokenPair(
                accessToken: "access-0", refreshToken: "refresh-0", expiresAt: fixture.clock.now().addingTimeInterval(seconds)
            ))
    }

    @Test(arguments: StateBackend.allCases) func aValidTokenIsReturnedWithoutRefreshing(backend: StateBackend) async throws {
        let fixture = try await StoreFixture(backend)
        try await seed(fixture, expiringIn: 600)
        let authority = RefreshRecorder(liveRefreshToken: "refresh-0", clock: fixture.clock)
        let token = try await tokens(fixture.store).validToken(margin: .seconds(60), refresh: authority.refresh)
        #expect(token.accessToken == "access-0")
        #expect(authority.calls == 0)
    }

    @Test(arguments: StateBackend.allCases) func aTokenInsideTheMarginIsRefreshedAndTheRotatedPairStored(backend: StateBackend) async throws {
        let fixture = try await StoreFixture(backend)
        try await seed(fixture, expiringIn: 30)
        let authority = RefreshRecorder(liveRefreshToken: "refresh-0", clock: fixture.clock)
        let token = try await tokens(fixture.store).validToken(margin: .seconds(60), refresh: authority.refresh)
        #expect(token.accessToken == "access-1")
        let stored = try await fixture.store.storedToken(account: account)
        #expect(stored?.version == 2)
        #expect(stored?.token.refreshToken == "refresh-1")
        #expect(try await fixture.store.leaseHolder(account: account, name: SharedTokenRefresh.refreshLease) == nil)
    }

    @Test(arguments: StateBackend.allCases) func manyConcurrentCallersOfSeveralStoresShareOneRefresh(backend: StateBackend) async throws {
        let fixture = try await StoreFixture(backend)
        try await seed(fixture, expiringIn: 0)
        let authority = RefreshRecorder(liveRefreshToken: "refresh-0", clock: fixture.clock, delay: .milliseconds(50))
        let stores = [tokens(fixture.store), tokens(try await fixture.reopen()), tokens(try await fixture.reopen())]
        let results = try await withThrowingTaskGroup(of: String.self) { group in
            for index in 0..<30 {
                group.addTask { try await stores[index % 3].validToken(margin: .seconds(60), refresh: authority.refresh).accessToken }
            }
            return try await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(authority.calls == 1)
        #expect(Set(results) == ["access-1"])
    }

    @Test(arguments: StateBackend.allCases) func aRejectedTokenIsReplacedOnlyIfNobodyReplacedItAlready(backend: StateBackend) async throws {
        let fixture = try await StoreFixture(backend)
        let seeded = try await seed(fixture, expiringIn: 600)
        let authority = RefreshRecorder(liveRefreshToken: "refresh-0", clock: fixture.clock)
        let first = try await tokens(fixture.store).token(afterRejecting: seeded.token, refresh: authority.refresh)
        let second = try await tokens(fixture.store).token(afterRejecting: seeded.token, refresh: authority.refresh)
        #expect(first.accessToken == "access-1")
        #expect(second.accessToken == "access-1")
        #expect(authority.calls == 1)
    }

    @Test(arguments: StateBackend.allCases) func aRefusalAfterASiblingRotatedReturnsTheSiblingsPair(backend: StateBackend) async throws {
        let fixture = try await StoreFixture(backend)
        try await seed(fixture, expiringIn: 0)
        let store = fixture.store
        let account = account
        let sibling = TokenPair(accessToken: "access-sibling", refreshToken: "refresh-sibling", expiresAt: fixture.clock.now().addingTimeInterval(3600))
        // The sibling stores its rotated pair while our refresh is on the wire; X then refuses ours.
        let refresh: SharedTokenRefresh.Refresh = { _ in
            _ = try await store.storeToken(account: account, sibling, ifVersion: 1)
            throw RefreshRecorder.InvalidGrant()
        }
        let token = try await tokens(fixture.store).validToken(margin: .seconds(60), refresh: refresh)
        #expect(token.accessToken == "access-sibling")
    }

    @Test(arguments: StateBackend.allCases) func aRealRefusalTellsTheOperatorToSignInAgainAndFreesTheLease(backend: StateBackend) async throws {
        let fixture = try await StoreFixture(backend)
        try await seed(fixture, expiringIn: 0)
        let authority = RefreshRecorder(liveRefreshToken: "refresh-0", clock: fixture.clock)
        authority.refuseEverything()
        let error = await #expect(throws: StateStoreError.self) {
            _ = try await tokens(fixture.store).validToken(margin: .seconds(60), refresh: authority.refresh)
        }
        #expect(error == .refreshRejected(account: account))
        #expect(error?.description.contains("kiamo-twitter auth login") == true)
        #expect(try await fixture.store.leaseHolder(account: account, name: SharedTokenRefresh.refreshLease) == nil)
    }

    @Test(arguments: StateBackend.allCases) func aTransientRefreshErrorIsRethrownAsItIsAndFreesTheLease(backend: StateBackend) async throws {
        let fixture = try await StoreFixture(backend)
        try await seed(fixture, expiringIn: 0)
        let authority = RefreshRecorder(liveRefreshToken: "refresh-0", clock: fixture.clock)
        authority.failTransiently()
        await #expect(throws: RefreshRecorder.Unreachable.self) {
            _ = try await tokens(fixture.store).validToken(margin: .seconds(60), refresh: authority.refresh)
        }
        #expect(try await fixture.store.leaseHolder(account: account, name: SharedTokenRefresh.refreshLease) == nil)
        #expect(try await fixture.store.storedToken(account: account)?.version == 1)
    }

    @Test(arguments: StateBackend.allCases) func aRefreshLeaseLeftByADeadHolderIsTakenOverOnceItExpires(backend: StateBackend) async throws {
        let fixture = try await StoreFixture(backend)
        try await seed(fixture, expiringIn: 0)
        let dead = try await fixture.store.acquireLease(account: account, name: SharedTokenRefresh.refreshLease, owner: "dead", ttl: .seconds(30))
        #expect(dead != nil)
        let authority = RefreshRecorder(liveRefreshToken: "refresh-0", clock: fixture.clock)
        let readsBefore = fixture.clock.reads
        let waiting = Task { [tokens = tokens(fixture.store)] in try await tokens.validToken(margin: .seconds(60), refresh: authority.refresh) }
        try await eventually("the caller to poll behind the dead holder's lease") { fixture.clock.reads > readsBefore + 10 }
        #expect(authority.calls == 0)
        fixture.clock.advance(seconds: 31)
        let token = try await waiting.value
        #expect(token.accessToken == "access-1")
        #expect(authority.calls == 1)
    }

    @Test(arguments: StateBackend.allCases) func waitingIsBoundedWhenTheHolderNeverDeliversNorExpires(backend: StateBackend) async throws {
        let fixture = try await StoreFixture(backend)
        try await seed(fixture, expiringIn: 0)
        _ = try await fixture.store.acquireLease(account: account, name: SharedTokenRefresh.refreshLease, owner: "stuck", ttl: .seconds(3600))
        let authority = RefreshRecorder(liveRefreshToken: "refresh-0", clock: fixture.clock)
        let error = await #expect(throws: StateStoreError.self) {
            _ = try await tokens(fixture.store, leaseTTL: .milliseconds(100)).validToken(margin: .seconds(60), refresh: authority.refresh)
        }
        #expect(error == .refreshTimedOut(account: account, waited: .milliseconds(200)))
        #expect(authority.calls == 0)
    }

    @Test(arguments: StateBackend.allCases) func noStoredPairIsAnActionableError(backend: StateBackend) async throws {
        let fixture = try await StoreFixture(backend)
        let authority = RefreshRecorder(liveRefreshToken: "refresh-0", clock: fixture.clock)
        let error = await #expect(throws: StateStoreError.self) {
            _ = try await tokens(fixture.store).validToken(margin: .seconds(60), refresh: authority.refresh)
        }
        #expect(error == .noToken(account: account))
    }
}
