import Foundation

/// How many of the accounts' leases of one kind (`ingest`) a process may hold, as a function of
/// values: the accounts, the live members of the role (`MemberRegistry`) and what it holds.
///
/// Each process holds at most ceil(accounts / live members): rounded up so the shares always
/// cover every account (3 processes and 200 accounts: 67 each, 201 places), and never 0 while
/// there is an account (a process under its share takes a free lease). A process over its
/// share (another one came, or its own view of the members grew) releases the excess, newest
/// first, at most once per renewal period, so a view of the members that moves for a moment
/// (one that announced late, one that expires and comes back) costs one move, not a flapping
/// back and forth.
public enum FairShare {
    /// A lease this process holds, numbered in the order it was taken (higher is newer).
    public struct Held: Sendable, Hashable {
        public var account: String
        public var taken: UInt64

        public init(account: String, taken: UInt64) {
            self.account = account
            self.taken = taken
        }
    }

    /// What a process may do now.
    public struct Decision: Sendable, Hashable {
        /// The most leases it may hold.
        public var share: Int
        /// The leases to release now (empty while under its share, or a release is too recent).
        public var release: [String]
        /// Whether it may take one more free or expired lease.
        public var mayTake: Bool
    }

    /// The live members with `me` counted even when its announcement is not seen yet (just
    /// started, or its last renewal failed): a process that polls is a member.
    public static func members(live: [String], me: String) -> Int {
        Set(live + [me]).count
    }

    /// ceil(accounts / members), at least 1 while there is an account.
    public static func share(accounts: Int, members: Int) -> Int {
        guard accounts > 0 else { return 0 }
        let members = max(1, members)
        return (accounts + members - 1) / members
    }

    /// The decision for a process holding `held`, with `pending` acquisitions under way (each may
    /// succeed), whose last release was `sinceLastRelease` ago (nil: never) and whose leases
    /// are renewed every `renewalPeriod`.
    public static func decide(
        accounts: Int, members: Int, held: [Held], pending: Int = 0, sinceLastRelease: Duration?, renewalPeriod: Duration
    ) -> Decision {
        let share = share(accounts: accounts, members: members)
        let excess = held.count - share
        var release: [String] = []
        if excess > 0, sinceLastRelease.map({ $0 >= renewalPeriod }) ?? true {
            // Newest first (the least settled), then the highest-sorted account: every process
            // orders alike, so a tie never leaves two processes each releasing the other's pick.
            release = held.sorted { ($0.taken, $0.account) > ($1.taken, $1.account) }.prefix(excess).map(\.account)
        }
        return Decision(share: share, release: release, mayTake: held.count + pending < share)
    }
}
