import Foundation
import SharedState

/// One named lease of an account held for as long as this process works as its holder: the
/// active ingest poller among replicas. Renewals are written at most every third of the TTL, so
/// holding costs a few state writes a minute; a holder that dies frees it within the TTL.
public actor Leadership {
    public let account: String
    public let name: String
    public let owner: String
    public let ttl: Duration
    private let state: any StateStore
    private var renewedAt: ContinuousClock.Instant?

    public init(state: any StateStore, account: String, name: String, owner: String, ttl: Duration) {
        self.state = state
        self.account = account
        self.name = name
        self.owner = owner
        self.ttl = ttl
    }

    /// True while this process holds the lease (taking it when free, renewing it when due).
    public func hold() async throws -> Bool {
        let now = ContinuousClock.now
        if let renewedAt, now - renewedAt < ttl / 3 { return true }
        let lease = try await state.acquireLease(account: account, name: name, owner: owner, ttl: ttl)
        renewedAt = lease == nil ? nil : now
        return lease != nil
    }

    /// Lets a standby take over at once (graceful shutdown).
    public func release() async {
        renewedAt = nil
        _ = try? await state.releaseLease(account: account, name: name, owner: owner)
    }
}
