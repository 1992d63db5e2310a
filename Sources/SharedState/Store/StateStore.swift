import Foundation

/// The state every worker process of a deployment shares, namespaced by X account id: every
/// role in one store, as a backend implements it, `openStateStore` returns it and the admin tool
/// uses it.
///
/// Callers that do one job depend on the roles they use (`IngestEngine.State`,
/// `CommandDispatcher.State`, `Leadership` on `LeaseStorage`, ...), so a test or a reader sees at
/// a glance what each touches, and a backend is checked against one contract.
///
/// Backend-neutral by construction: mutual exclusion is a lease with a TTL (a holder that dies
/// frees it by not renewing), and every state change is a compare-and-set decided on a read, so
/// no caller ever holds a lock or a transaction across a network call. Times (expiries, claims,
/// leases) are read from `StateStoreOptions.clock`.
///
/// Every write is durable once the call returns: a process crash right after never loses it
/// (see `SQLiteSynchronous` for what a power loss can cost with SQLite).
public protocol StateStore: TokenStorage, LeaseStorage, MemberRegistry, ConversationCache, InboundLedger, SendLedger,
    RecipientLines, RateLimitBudgets, StateExport, StateTransfer
{
    /// The policies this store applies.
    var options: StateStoreOptions { get }
}
