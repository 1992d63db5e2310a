import Foundation
import Synchronization
import TestSupport
import Testing

@testable import XAPI

@Suite("In-memory token store")
struct InMemoryOAuth2TokenStoreTests {
    /// A refresh closure that counts its calls and waits at `gate` before answering.
    final class FakeRefresh: Sendable {
        let calls = Counter()
        let gate = Gate()
        let failure: XAPIError?

        init(failure: XAPIError? = nil) { self.failure = failure }

        var closure: OAuth2Refresh {
            { stale in
                let call = self.calls.increment()
                await self.gate.wait()
                if let failure = self.failure { throw failure }
                return OAuth2Token(accessToken: "access-\(call + 1)", refreshToken: "refresh-\(call + 1)", expiresAt: stale.expiresAt.addingTimeInterval(7200 + 3600))
            }
        }
    }

    @Test func hundredConcurrentCallersShareOneRefresh() async throws {
        let store = InMemoryOAuth2TokenStore(token: UnitClients.token(expiresIn: 10), clock: { UnitClients.now })
        let refresh = FakeRefresh()
        let started = Counter()
        let tokens = try await withThrowingTaskGroup(of: OAuth2Token.self) { group in
            for _ in 0..<100 {
                group.addTask {
                    started.increment()
                    return try await store.validToken(margin: .seconds(60), refresh: refresh.closure)
                }
            }
            try await eventually("100 callers started and one refresh begun") {
                started.value == 100 && refresh.calls.value == 1
            }
            await refresh.gate.open()
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(refresh.calls.value == 1)
        #expect(tokens.count == 100)
        #expect(Set(tokens.map(\.accessToken)) == ["access-2"])
        #expect(await store.current.refreshToken == "refresh-2")
    }

    @Test func aValidTokenIsReturnedWithoutRefreshing() async throws {
        let store = InMemoryOAuth2TokenStore(token: UnitClients.token(), clock: { UnitClients.now })
        let refresh = FakeRefresh()
        #expect(try await store.validToken(margin: .seconds(60), refresh: refresh.closure).accessToken == "access-1")
        #expect(refresh.calls.value == 0)
    }

    @Test func rejectingAnAlreadyReplacedTokenReturnsTheNewOneWithoutRefreshing() async throws {
        let store = InMemoryOAuth2TokenStore(token: UnitClients.token(), clock: { UnitClients.now })
        let refresh = FakeRefresh()
        await refresh.gate.open()
        let old = await store.current
        let first = try await store.token(afterRejecting: old, refresh: refresh.closure)
        let second = try await store.token(afterRejecting: old, refresh: refresh.closure)
        #expect(first.accessToken == "access-2" && second == first)
        #expect(refresh.calls.value == 1)
    }

    @Test func aFailedRefreshReachesEveryWaiterAndTheNextCallTriesAgain() async throws {
        let store = InMemoryOAuth2TokenStore(token: UnitClients.token(expiresIn: 0), clock: { UnitClients.now })
        let failing = FakeRefresh(failure: .refreshRejected(error: "invalid_grant", detail: nil))
        await failing.gate.open()
        await #expect(throws: XAPIError.refreshRejected(error: "invalid_grant", detail: nil)) {
            try await store.validToken(margin: .zero, refresh: failing.closure)
        }
        let working = FakeRefresh()
        await working.gate.open()
        #expect(try await store.validToken(margin: .zero, refresh: working.closure).accessToken == "access-2")
        #expect(await store.current.accessToken == "access-2")
    }
}
