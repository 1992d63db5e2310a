import Foundation

/// The ingest side's memory of what it published: the cursor (newest DM event id committed)
/// and the ledger of published ids.
///
/// One role because the two only move together: a chunk's ids and the cursor past them are
/// committed in one atomic step after the broker confirmed the chunk, so a crash in between
/// re-publishes the chunk (at least once) and never skips it.
public protocol InboundLedger: Sendable {
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
}
