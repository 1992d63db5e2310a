import Foundation

/// One line per customer of the replies waiting to be posted to them, so an agent's replies
/// reach the customer in order through retries, restarts and replicas.
///
/// Kept in the shared state, not in a worker's memory, because a reply parked in a retry tier
/// comes back to whichever replica the broker picks; the line is what makes that replica wait
/// behind it (`RecipientLineRules`).
public protocol RecipientLines: Sendable {
    /// Commands arrived in this process, in the order the broker delivered them: each takes (or
    /// keeps) its place in its recipient's line (`RecipientLineRules.joined`), all in one atomic
    /// step, before any of them is asked to be posted.
    func joinLines(_ arrivals: [LineArrival], posting: Duration) async throws

    /// Commands a live process still holds before they ask keep the places they have for another
    /// `posting` (`RecipientLineRules.kept`), all in one atomic step.
    func keepPlaces(_ arrivals: [LineArrival], posting: Duration) async throws

    /// Commands handed back before they asked give up their places (`RecipientLineRules.withdrawn`).
    func withdrawFromLines(_ arrivals: [LineArrival]) async throws

    /// Asks whether `commandId` to `recipient` may be posted now (`RecipientLineRules.admit`),
    /// with the next store-wide ticket, in one atomic step. `fallbackTier`: the tier to park in
    /// behind a head that was never parked; `posting`: how long an admitted head is taken to be
    /// still posting.
    func admitToLine(
        account: String, recipient: String, commandId: String, mayWait: Bool,
        fallbackTier: Duration, posting: Duration
    ) async throws -> RecipientLineAdmission

    /// A command admitted to go was parked in `tier`: later replies to `recipient` wait behind it.
    func parkInLine(account: String, recipient: String, commandId: String, tier: Duration) async throws

    /// A command admitted with `ticket` was settled: it leaves the line unless parked since.
    func leaveLine(account: String, recipient: String, commandId: String, ticket: UInt64) async throws

    /// The recipient's unexpired line, head first (tests, diagnostics).
    func recipientLine(account: String, recipient: String) async throws -> [RecipientLineEntry]
}

extension RecipientLines {
    /// One command arrived (`joinLines`).
    public func joinLine(account: String, recipient: String, commandId: String, posting: Duration) async throws {
        try await joinLines([LineArrival(account: account, recipient: recipient, commandId: commandId)], posting: posting)
    }
}
