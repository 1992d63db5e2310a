import Foundation
import SharedState
import TestSupport
import Testing

@Suite struct EventIDOrderTests {
    @Test func idsCompareAsNumbersWhateverTheirLength() throws {
        #expect(try EventIDOrder.value(of: "999") < EventIDOrder.value(of: "1000"))
        #expect(try EventIDOrder.value(of: "1582838593371127812") > EventIDOrder.value(of: "999999999999999999"))
        #expect(EventIDOrder.advance(current: 1000, candidate: 999) == 1000)
        #expect(EventIDOrder.advance(current: 999, candidate: 1000) == 1000)
        #expect(EventIDOrder.advance(current: nil, candidate: 5) == 5)
        #expect(EventIDOrder.advance(current: 5, candidate: nil) == 5)
    }

    @Test(arguments: ["", "abc", "12a", "-5", "0", "+7", "99999999999999999999", "1 2"])
    func whatIsNotASnowflakeIsRefused(id: String) {
        #expect(throws: StateStoreError.invalidEventID(id)) { try EventIDOrder.value(of: id) }
    }
}

@Suite(.scratchDatabases) struct InboundTests {
    @Test(arguments: StateBackend.allCases) func theCursorMovesForwardNumericallyNeverBack(backend: StateBackend) async throws {
        let fixture = try await StoreFixture(backend)
        let store = fixture.store
        #expect(try await store.cursor(account: "1") == nil)
        #expect(try await store.commitInbound(account: "1", publishedIds: [], cursor: "999") == "999")
        #expect(try await store.commitInbound(account: "1", publishedIds: [], cursor: "1000") == "1000")
        #expect(try await store.commitInbound(account: "1", publishedIds: [], cursor: "999") == "1000")
        #expect(try await store.commitInbound(account: "1", publishedIds: [], cursor: nil) == "1000")
        #expect(try await store.cursor(account: "1") == "1000")
        #expect(try await store.cursor(account: "2") == nil)
    }

    @Test(arguments: StateBackend.allCases) func publishedIdsAreFilteredOutInTheirOrder(backend: StateBackend) async throws {
        let fixture = try await StoreFixture(backend)
        let store = fixture.store
        try await store.commitInbound(account: "1", publishedIds: ["1582838593371127812", "17"], cursor: "1582838593371127812")
        let unseen = try await store.filterUnseen(account: "1", ids: ["1582838593371127813", "17", "0017", "5", "1582838593371127812"])
        #expect(unseen == ["1582838593371127813", "5"])
        #expect(try await store.filterUnseen(account: "2", ids: ["17"]) == ["17"])
    }

    @Test(arguments: StateBackend.allCases) func aLargePageIsFilteredInOneCall(backend: StateBackend) async throws {
        let fixture = try await StoreFixture(backend)
        let store = fixture.store
        let ids = (1...1500).map { String(1_000_000 + $0) }
        try await store.commitInbound(account: "1", publishedIds: ids.filter { Int($0)! % 3 == 0 }, cursor: ids.last)
        let unseen = try await store.filterUnseen(account: "1", ids: ids)
        #expect(unseen == ids.filter { Int($0)! % 3 != 0 })
    }

    @Test(arguments: StateBackend.allCases) func aBadIdInABatchCommitsNothing(backend: StateBackend) async throws {
        let fixture = try await StoreFixture(backend)
        let store = fixture.store
        await #expect(throws: StateStoreError.invalidEventID("x1")) {
            try await store.commitInbound(account: "1", publishedIds: ["10", "x1"], cursor: "10")
        }
        #expect(try await store.cursor(account: "1") == nil)
        #expect(try await store.filterUnseen(account: "1", ids: ["10"]) == ["10"])
    }

    @Test(arguments: StateBackend.allCases) func entriesOlderThanTheRetentionArePrunedNotTheCursor(backend: StateBackend) async throws {
        let fixture = try await StoreFixture(backend)
        try await fixture.store.commitInbound(account: "1", publishedIds: ["1", "2"], cursor: "2")
        fixture.clock.advance(seconds: 29 * 86_400)
        try await fixture.store.commitInbound(account: "1", publishedIds: ["3"], cursor: "3")
        #expect(try await fixture.store.pruneInbound(account: "1") == 0)
        fixture.clock.advance(seconds: 2 * 86_400)
        #expect(try await fixture.store.pruneInbound(account: "1") == 2)
        #expect(try await fixture.store.filterUnseen(account: "1", ids: ["1", "2", "3"]) == ["1", "2"])
        #expect(try await fixture.store.cursor(account: "1") == "3")
    }
}
