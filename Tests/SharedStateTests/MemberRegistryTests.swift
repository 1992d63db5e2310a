import Foundation
import GRDB
import TestSupport
import Testing

@testable import SharedState

/// The live members of a role on both backends: announced with a TTL on the store's clock,
/// renewed, withdrawn, expired.
@Suite(.scratchDatabases) struct MemberRegistryTests {
    @Test(arguments: StateBackend.allCases) func membersLiveUntilWithdrawnOrExpired(backend: StateBackend) async throws {
        let fixture = try await StoreFixture(backend)
        let store = fixture.store
        #expect(try await store.liveMembers(role: "ingest") == [])
        try await store.announceMember(owner: "b", role: "ingest", ttl: .seconds(10))
        try await store.announceMember(owner: "a", role: "ingest", ttl: .seconds(10))
        try await store.announceMember(owner: "c", role: "dispatch", ttl: .seconds(10))
        #expect(try await store.liveMembers(role: "ingest") == ["a", "b"])
        #expect(try await store.liveMembers(role: "dispatch") == ["c"])

        // Renewed on the store's clock: "a" renews at 6 s, "b" does not.
        fixture.clock.advance(seconds: 6)
        try await store.announceMember(owner: "a", role: "ingest", ttl: .seconds(10))
        fixture.clock.advance(seconds: 5)
        #expect(try await store.liveMembers(role: "ingest") == ["a"])
        // A member that comes back after expiring is live again.
        try await store.announceMember(owner: "b", role: "ingest", ttl: .seconds(10))
        #expect(try await store.liveMembers(role: "ingest") == ["a", "b"])

        #expect(try await store.withdrawMember(owner: "a", role: "ingest"))
        #expect(try await !store.withdrawMember(owner: "a", role: "ingest"))
        #expect(try await store.liveMembers(role: "ingest") == ["b"])
        fixture.clock.advance(seconds: 10)
        #expect(try await store.liveMembers(role: "ingest") == [])
        #expect(try await store.liveMembers(role: "dispatch") == [])
    }

    @Test(arguments: StateBackend.allCases) func anotherProcessSeesTheSameMembers(backend: StateBackend) async throws {
        let fixture = try await StoreFixture(backend)
        let other = try await fixture.reopen()
        try await fixture.store.announceMember(owner: "a", role: "ingest", ttl: .seconds(10))
        try await other.announceMember(owner: "b", role: "ingest", ttl: .seconds(10))
        #expect(try await fixture.store.liveMembers(role: "ingest") == ["a", "b"])
        #expect(try await other.liveMembers(role: "ingest") == ["a", "b"])
        // A shorter renewal never shortens an announcement.
        try await other.announceMember(owner: "b", role: "ingest", ttl: .seconds(1))
        fixture.clock.advance(seconds: 5)
        #expect(try await fixture.store.liveMembers(role: "ingest") == ["a", "b"])
    }
}

@Suite struct FairShareTests {
    private func held(_ accounts: [String]) -> [FairShare.Held] {
        accounts.enumerated().map { FairShare.Held(account: $1, taken: UInt64($0)) }
    }

    @Test func theShareIsAccountsOverMembersRoundedUpAndCoversEveryAccount() {
        #expect(FairShare.share(accounts: 200, members: 3) == 67)
        #expect(FairShare.share(accounts: 30, members: 3) == 10)
        #expect(FairShare.share(accounts: 30, members: 2) == 15)
        #expect(FairShare.share(accounts: 1, members: 5) == 1)
        #expect(FairShare.share(accounts: 0, members: 3) == 0)
        #expect(FairShare.share(accounts: 7, members: 0) == 7)
        for accounts in 0...60 {
            for members in 1...12 {
                #expect(FairShare.share(accounts: accounts, members: members) * members >= accounts, "\(accounts) / \(members)")
            }
        }
    }

    @Test func aProcessCountsItselfAmongTheMembers() {
        #expect(FairShare.members(live: [], me: "a") == 1)
        #expect(FairShare.members(live: ["a", "b"], me: "a") == 2)
        #expect(FairShare.members(live: ["b", "c"], me: "a") == 3)
    }

    @Test func underTheShareItMayTakeAtTheShareItMayNot() {
        let two = held(["1", "2"])
        #expect(FairShare.decide(accounts: 9, members: 3, held: two, sinceLastRelease: nil, renewalPeriod: .seconds(1)).mayTake)
        // A process holding nothing may always take while there is an account.
        #expect(FairShare.decide(accounts: 1, members: 10, held: [], sinceLastRelease: nil, renewalPeriod: .seconds(1)).mayTake)
        // Acquisitions under way count: two pending fill a share of 4 holding 2.
        #expect(!FairShare.decide(accounts: 12, members: 3, held: two, pending: 2, sinceLastRelease: nil, renewalPeriod: .seconds(1)).mayTake)
        let full = FairShare.decide(accounts: 6, members: 3, held: two, sinceLastRelease: nil, renewalPeriod: .seconds(1))
        #expect(!full.mayTake)
        #expect(full.release.isEmpty)
    }

    @Test func overTheShareItReleasesTheNewestExcessOncePerRenewalPeriod() {
        // Took 1...5 in that order; a second and a third process came: share 2 of 6.
        let five = held(["1", "2", "3", "4", "5"])
        let decision = FairShare.decide(accounts: 6, members: 3, held: five, sinceLastRelease: nil, renewalPeriod: .seconds(10))
        #expect(decision.share == 2)
        #expect(decision.release == ["5", "4", "3"])
        #expect(!decision.mayTake)
        // Not again within a renewal period of the last release, even if the view grew since.
        #expect(FairShare.decide(accounts: 6, members: 6, held: five, sinceLastRelease: .seconds(3), renewalPeriod: .seconds(10)).release == [])
        #expect(FairShare.decide(accounts: 6, members: 6, held: five, sinceLastRelease: .seconds(10), renewalPeriod: .seconds(10)).release.count == 4)
        // Taken at the same time: the highest-sorted account goes first.
        let tied = ["a", "c", "b"].map { FairShare.Held(account: $0, taken: 1) }
        #expect(FairShare.decide(accounts: 2, members: 2, held: tied, sinceLastRelease: nil, renewalPeriod: .seconds(1)).release == ["c", "b"])
    }
}
