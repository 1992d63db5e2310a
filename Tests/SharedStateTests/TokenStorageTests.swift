import Foundation
import SharedState
import TestSupport
import Testing

@Suite(.scratchDatabases) struct TokenStorageTests {
    private func pair(_ name: String, expiresAt: Date = Date(timeIntervalSince1970: 1_700_003_600)) -> TokenPair {
        TokenPair(accessToken: "access-\(name)", refreshToken: "refresh-\(name)", expiresAt: expiresAt, scope: "dm.read")
    }

    @Test(arguments: StateBackend.allCases) func theFirstPairIsStoredAsVersionOneAndReadBack(backend: StateBackend) async throws {
        let fixture = try await StoreFixture(backend)
        let write = try await fixture.store.storeToken(account: "1", pair("a"), ifVersion: nil)
        guard case .stored(let stored) = write else { Issue.record("expected stored, got \(write)"); return }
        #expect(stored.version == 1)
        #expect(try await fixture.store.storedToken(account: "1") == stored)
        #expect(try await fixture.store.storedToken(account: "2") == nil)
    }

    @Test(arguments: StateBackend.allCases) func aReplacementOnAStaleVersionIsAConflictThatKeepsTheWinner(backend: StateBackend) async throws {
        let fixture = try await StoreFixture(backend)
        _ = try await fixture.store.storeToken(account: "1", pair("a"), ifVersion: nil)
        let first = try await fixture.store.storeToken(account: "1", pair("b"), ifVersion: 1)
        let second = try await fixture.store.storeToken(account: "1", pair("c"), ifVersion: 1)
        guard case .stored(let winner) = first, case .conflict(let current) = second else {
            Issue.record("expected stored then conflict, got \(first), \(second)")
            return
        }
        #expect(winner.version == 2)
        #expect(current == winner)
        #expect(try await fixture.store.storedToken(account: "1")?.token.accessToken == "access-b")
    }

    @Test(arguments: StateBackend.allCases) func seedingNeverOverwritesANewerStoredPair(backend: StateBackend) async throws {
        let fixture = try await StoreFixture(backend)
        _ = try await fixture.store.seedToken(account: "1", pair("configured"))
        _ = try await fixture.store.storeToken(account: "1", pair("rotated"), ifVersion: 1)
        let again = try await fixture.store.seedToken(account: "1", pair("configured"))
        #expect(again.token.refreshToken == "refresh-rotated")
        #expect(again.version == 2)
    }

    @Test(arguments: StateBackend.allCases) func descriptionsNeverShowTheSecrets(backend: StateBackend) async throws {
        let fixture = try await StoreFixture(backend)
        let stored = try await fixture.store.seedToken(account: "1", pair("secretvalue"))
        #expect(!"\(stored)".contains("secretvalue"))
        let summary = TokenSummary(stored)
        #expect(summary.refreshToken == "****")
        #expect(summary.accessToken == "****") // "access-secretvalue" is under 20 characters
        #expect(TokenSummary.mask("abcdefghijklmnopqrstuvwxyz") == "****wxyz")
    }
}
