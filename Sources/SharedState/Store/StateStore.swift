import Foundation
import XAPI

/// The state every worker process of a deployment shares, namespaced by X account id.
///
/// Backend-neutral by construction: mutual exclusion is a lease with a TTL (a holder that dies
/// frees it by not renewing), and every state change is a compare-and-set decided on a read, so
/// no caller ever holds a lock or a transaction across a network call. Times (expiries, claims,
/// leases) are read from `StateStoreOptions.clock`.
///
/// Every write is durable once the call returns: a process crash right after never loses it
/// (see `SQLiteSynchronous` for what a power loss can cost with SQLite).
public protocol StateStore: Sendable {
    /// The policies this store applies.
    var options: StateStoreOptions { get }

    // MARK: Tokens

    /// The account's stored OAuth 2.0 pair, or nil when none was stored.
    func storedToken(account: String) async throws -> StoredToken?

    /// Stores `token` if the stored version is `expectedVersion` (nil: only if nothing is stored),
    /// as version + 1 (1 for the first); otherwise stores nothing and returns what is stored.
    func storeToken(account: String, _ token: OAuth2Token, ifVersion expectedVersion: Int64?) async throws -> TokenWrite

    // MARK: Leases

    /// Takes the lease `name` of `account` for `ttl` if it is free or expired, or its holder's
    /// process is known dead (`OwnerLiveness`), or extends it if `owner` already holds it.
    /// Returns the lease held, or nil when another (live, or not known dead) owner holds it.
    func acquireLease(account: String, name: String, owner: String, ttl: Duration) async throws -> Lease?

    /// Extends `owner`'s unexpired lease to `ttl` from now; nil when `owner` no longer holds it
    /// (expired, released, taken over): the caller must stop acting as the holder.
    func renewLease(account: String, name: String, owner: String, ttl: Duration) async throws -> Lease?

    /// Frees the lease if `owner` holds it; returns whether it did.
    func releaseLease(account: String, name: String, owner: String) async throws -> Bool

    /// The current unexpired holder, or nil when the lease is free.
    func leaseHolder(account: String, name: String) async throws -> Lease?

    // MARK: Cache (the original's addToCache / getFromCache / cleanCache)

    /// Caches `user` as of `at`; a record already cached with a newer or equal time is kept.
    /// Returns whether the record was stored (false too when the cache is disabled).
    @discardableResult
    func addToCache(account: String, user: XUser, at: Date) async throws -> Bool

    /// Caches `conversation` as of `at`, with the same newer-wins rule.
    @discardableResult
    func addToCache(account: String, conversation: CachedConversation, at: Date) async throws -> Bool

    /// The cached user, or nil when absent, expired (older than `expirationInSecs`) or disabled.
    func getFromCache(account: String, userId: String) async throws -> XUser?

    /// The cached conversation by its id, with the same miss rules.
    func getFromCache(account: String, conversationId: String) async throws -> CachedConversation?

    /// The newest cached conversation with `participantId`, with the same miss rules.
    func getFromCache(account: String, participantId: String) async throws -> CachedConversation?

    /// Deletes expired records, at most once per `checkEveryInSecs` across every process.
    func cleanCache(account: String) async throws -> CacheCleaning

    // MARK: Inbound (cursor and ledger of published DMs)

    /// The newest DM event id committed for the account, or nil before the first commit.
    func cursor(account: String) async throws -> String?

    /// The ids of `ids` not yet in the inbound ledger, in their order. Throws on an id that is
    /// not a DM event id.
    func filterUnseen(account: String, ids: [String]) async throws -> [String]

    /// In one atomic step: records `publishedIds` as published and moves the cursor to `cursor`
    /// if that is numerically newer (it never moves back). Returns the cursor now stored.
    @discardableResult
    func commitInbound(account: String, publishedIds: [String], cursor: String?) async throws -> String?

    /// Forgets published ids older than `inboundRetention`; returns how many.
    @discardableResult
    func pruneInbound(account: String) async throws -> Int

    // MARK: Send ledger

    /// The ledger entry of a send command, or nil when unknown.
    func sendEntry(account: String, key: String) async throws -> SendEntry?

    /// Records a command as pending unless the ledger already knows it; returns the entry stored.
    @discardableResult
    func recordPending(account: String, key: String) async throws -> SendEntry

    /// Claims the command for `owner` (see `SendClaim` for every answer). Exactly one of several
    /// concurrent claimers of a key gets `.claimed` / `.reclaimed`.
    func claimSend(account: String, key: String, owner: String) async throws -> SendClaim

    /// `owner`'s in-flight command → sent, with X's DM event id.
    func completeSend(account: String, key: String, owner: String, dmEventId: String, conversationId: String?) async throws -> SendTransitionResult

    /// `owner`'s in-flight command → failed for good.
    func failSend(account: String, key: String, owner: String, reason: String) async throws -> SendTransitionResult

    /// Written by `owner` just before it posts: the DM may be at X from `outcomeUnknownSince` on
    /// (`SendLedgerRules.posting`). `.rejected`: the claim is not `owner`'s any more; do not post.
    func markSendPosting(account: String, key: String, owner: String, outcomeUnknownSince: Date) async throws -> SendTransitionResult

    /// The command's `sent` report was confirmed (recorded on its last part's entry).
    func markSendReported(account: String, key: String) async throws -> SendTransitionResult

    /// `owner`'s in-flight command → pending again (handed back after a transient failure), with
    /// what `owner` knows of an unknown outcome (`SendLedgerRules.release`).
    func releaseSend(account: String, key: String, owner: String, outcomeUnknownSince: Date?) async throws -> SendTransitionResult

    /// Forgets sent and failed entries last changed before `sendRetention`; returns how many.
    /// Pending and in-flight entries are kept whatever their age.
    @discardableResult
    func pruneSends(account: String) async throws -> Int

    /// Counts a delivery of command `commandId` that begins to be handled, before any work, and
    /// returns how many of its deliveries began and were never settled, this one included.
    /// What the worker's death or its connection's loss interrupts stays counted.
    func beginDelivery(account: String, commandId: String) async throws -> Int

    /// Deliveries of command `commandId` that began and were never settled (0 for none): a
    /// command with any is suspect, and is handled alone.
    func unsettledDeliveries(account: String, commandId: String) async throws -> Int

    /// The delivery counted by `beginDelivery` was settled (acknowledged or handed back to a
    /// live connection): it is not held against the command. `finished`: the command needs no
    /// count any more (acknowledged), so its row is forgotten.
    func settleDelivery(account: String, commandId: String, finished: Bool) async throws

    // MARK: Recipient lines (replies to one customer in order through retries)

    /// Commands arrived in this process, in the order the broker delivered them: each takes (or
    /// keeps) its place in its recipient's line (`RecipientLineRules.joined`), all in one atomic
    /// step, before any of them is asked to be posted.
    func joinLines(_ arrivals: [LineArrival], posting: Duration) async throws

    /// Commands handed back before they asked give up their places (`RecipientLineRules.withdrawn`).
    func withdrawFromLines(_ arrivals: [LineArrival]) async throws

    /// Asks whether `commandId` to `recipient` may be posted now (`RecipientLineRules.admit`),
    /// with the next store-wide ticket, in one atomic step. `fallbackTier`: the tier to park in
    /// behind a head that was never parked; `posting`: how long an admitted head is taken to be
    /// still posting.
    func admitToLine(account: String, recipient: String, commandId: String, mayWait: Bool,
                     fallbackTier: Duration, posting: Duration) async throws -> RecipientLineAdmission

    /// A command admitted to go was parked in `tier`: later replies to `recipient` wait behind it.
    func parkInLine(account: String, recipient: String, commandId: String, tier: Duration) async throws

    /// A command admitted with `ticket` was settled: it leaves the line unless parked since.
    func leaveLine(account: String, recipient: String, commandId: String, ticket: UInt64) async throws

    /// The recipient's unexpired line, head first (tests, diagnostics).
    func recipientLine(account: String, recipient: String) async throws -> [RecipientLineEntry]

    // MARK: Rate-limit budgets

    /// Records a response's `x-rate-limit-*` headers for the account's endpoint family.
    func recordRateLimit(account: String, endpoint: String, _ observation: RateLimitObservation) async throws

    /// Whether a call to the endpoint family may go now (and if so counts it), or when to ask again.
    func permission(account: String, endpoint: String) async throws -> RateLimitPermission

    /// The stored budget of an endpoint family, or nil when no response was recorded.
    func rateLimitBudget(account: String, endpoint: String) async throws -> RateLimitBudget?

    // MARK: Debug

    /// Every account's masked token, cursor and cache, for `StateDebugExport`.
    func debugSnapshot() async throws -> StateSnapshot
}

extension StateStore {
    /// Stores the first pair of an account (from configuration or a first sign-in) unless one is
    /// already stored, and returns the pair in force: a seed never overwrites a pair another
    /// process may have rotated since.
    public func seedToken(account: String, _ token: OAuth2Token) async throws -> StoredToken {
        switch try await storeToken(account: account, token, ifVersion: nil) {
        case .stored(let stored): return stored
        case .conflict(let current?): return current
        case .conflict(nil):
            // Unreachable: with nothing stored the insert applies. Answer as if it had vanished.
            throw StateStoreError.noToken(account: account)
        }
    }
}

extension StateStore {
    /// One command arrived (`joinLines`).
    public func joinLine(account: String, recipient: String, commandId: String, posting: Duration) async throws {
        try await joinLines([LineArrival(account: account, recipient: recipient, commandId: commandId)], posting: posting)
    }
}
