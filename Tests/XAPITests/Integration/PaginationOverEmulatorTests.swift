import Foundation
import TestSupport
import Testing
import XEmulator

@testable import XAPI

@Suite("Pagination against the emulator")
struct PaginationOverEmulatorTests {
    /// 1,000 events read page by page, newest first, each exactly once, in both dialects (rate
    /// limits off: v1.1 allows 15 list calls per 15 minutes and this needs 20).
    @Test(arguments: [ClientSetup.v2OAuth1, .v2OAuth2Public, .v1OAuth1])
    func aThousandEventsArriveOnceNewestFirst(_ setup: ClientSetup) async throws {
        try await EmulatorRig.with(setup, rateLimits: .off) { rig in
            let bulk = try rig.emulator.bulk(count: 1_000, senders: 7)
            var ids: [UInt64] = []
            var pages = 0
            var token: String?
            var senders = Set<String>()
            repeat {
                let page = try await rig.client.listDMEvents(pageToken: token, maxResults: 100)
                pages += 1
                ids += page.events.compactMap(\.numericId)
                senders.formUnion(page.users.map(\.id))
                token = page.nextToken
                #expect(pages <= 25, "pagination does not end")
            } while token != nil && pages <= 25
            #expect(ids.count == 1_000)
            #expect(Set(ids).count == 1_000)
            #expect(ids == ids.sorted(by: >))
            #expect(ids.first.map(String.init) == bulk.lastID)
            #expect(ids.last.map(String.init) == bulk.firstID)
            #expect(pages == (setup.isV1 ? 20 : 10))
            if !setup.isV1 { #expect(senders == Set(bulk.senders)) }
        }
    }
}
