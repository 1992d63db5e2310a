import Foundation

/// Time as the PostgreSQL backend stores and reads it.
///
/// Stored times are BIGINT milliseconds since 1970, as in the SQLite file: both backends round
/// alike, so one conformance suite holds for both, and a deployment moves between them unchanged.
///
/// **Time from the database, not the host.** Every operation that compares against "now" (lease
/// expiry, claims gone stale, cache expiry and cleaning, budget windows, retention) reads now in
/// the same statement that reads the row it decides on: `coalesce($now, <server clock>)`. The
/// bound `$now` is NULL with the system clock (`SystemStateClock`), so the server's
/// `clock_timestamp()` decides and hosts whose clocks disagree still agree on every expiry; an
/// injected clock (tests' `ManualClock`) binds its own time instead, so the same tests move time
/// by hand on both backends. The pure rules (`LeaseRules`, `SendLedgerRules`, `CacheRules`,
/// `RateLimitPacing`, `RecipientLineRules`) then decide on that value in Swift.
enum PostgresTime {
    /// The server's wall clock in milliseconds since 1970, read when the statement evaluates it.
    static let serverMillis = "(extract(epoch FROM clock_timestamp()) * 1000)::bigint"

    static func millis(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded())
    }

    static func date(_ millis: Int64) -> Date {
        Date(timeIntervalSince1970: Double(millis) / 1000)
    }

    static func date(_ millis: Int64?) -> Date? {
        millis.map { date($0) }
    }

    static func millis(_ duration: Duration) -> Int64 {
        Int64((duration.seconds * 1000).rounded())
    }
}
