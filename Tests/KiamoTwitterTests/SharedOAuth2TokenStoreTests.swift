import Foundation
import Logging
import SharedState
import Testing
import XAPI

@testable import KiamoTwitter

/// The X client's token store on the shared state (the single flight itself is tested in
/// SharedStateTests' `SharedTokenRefreshTests`): what crosses between the X client's types and
/// the state module's records, and X's refusal recognised by default.
@Suite struct SharedOAuth2TokenStoreTests {
    let account = "1234"

    func makeState() async throws -> any StateStore {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("oauth2-store-\(UUID().uuidString).db").path
        return try await SQLiteStateStore.open(SQLiteLocation(path: path), logger: Logger(label: "test"))
    }

    /// `seconds` from now, whole (the store keeps milliseconds, so a pair compares equal after a round trip).
    func fromNow(_ seconds: Double) -> Date {
        Date(timeIntervalSince1970: (Date().timeIntervalSince1970 + seconds).rounded(.down))
    }

    func tokens(_ state: any StateStore) -> SharedOAuth2TokenStore {
        SharedOAuth2TokenStore(
            store: state, clock: state.options.clock, account: account, pollInterval: .milliseconds(5),
            logger: Logger(label: "test"))
    }

    @Test func xHasTheStoredPairToRefreshAndItsAnswerIsStoredWholeAndReturned() async throws {
        let state = try await makeState()
        _ = try await state.seedToken(account: account, TokenPair(accessToken: "access-0", refreshToken: "refresh-0", expiresAt: .distantPast))
        let fresh = OAuth2Token(
            accessToken: "access-1", refreshToken: "refresh-1", expiresAt: fromNow(7200),
            scope: "dm.read dm.write offline.access")
        let token = try await tokens(state).validToken(margin: .seconds(60)) { old in
            guard old.refreshToken == "refresh-0", old.accessToken == "access-0" else { throw XAPIError.refreshRejected(error: "invalid_grant", detail: nil) }
            return fresh
        }
        #expect(token == fresh)
        let stored = try #require(try await state.storedToken(account: account))
        #expect(stored.version == 2)
        #expect(stored.token == TokenPair(fresh))
    }

    @Test func aRejectedTokenIsReplacedOnceAndTheStoredPairReturnedAfterwards() async throws {
        let state = try await makeState()
        let seeded = try await state.seedToken(
            account: account, TokenPair(accessToken: "access-0", refreshToken: "refresh-0", expiresAt: fromNow(600)))
        let fresh = OAuth2Token(accessToken: "access-1", refreshToken: "refresh-1", expiresAt: fromNow(7200))
        let first = try await tokens(state).token(afterRejecting: OAuth2Token(seeded.token)) { _ in fresh }
        let second = try await tokens(state).token(afterRejecting: OAuth2Token(seeded.token)) { _ in
            throw XAPIError.refreshRejected(error: "invalid_grant", detail: nil)
        }
        #expect(first == fresh)
        #expect(second == fresh)
    }

    @Test func xapisRefreshRejectionIsRecognisedByDefault() async throws {
        let state = try await makeState()
        _ = try await state.seedToken(account: account, TokenPair(accessToken: "access-0", refreshToken: "refresh-0", expiresAt: .distantPast))
        let error = await #expect(throws: StateStoreError.self) {
            _ = try await tokens(state).validToken(margin: .seconds(60)) { _ in
                throw XAPIError.refreshRejected(error: "invalid_grant", detail: nil)
            }
        }
        #expect(error == .refreshRejected(account: account))
        #expect(!SharedOAuth2TokenStore.isXAPIRefreshRejection(XAPIError.unauthorized(operation: .refreshToken, detail: nil)))
    }
}
