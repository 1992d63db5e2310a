import Foundation
import KiamoTwitter

/// What `clean-cache` did per account.
public struct CacheCleaningReport: AdminReport {
    /// One account's outcome.
    public struct Result: Sendable, Encodable {
        var account: String
        /// `cleaned`, `not due` (a clean-up ran less than checkEveryInSecs ago) or `disabled`.
        var outcome: String
        var removed: Int
        var nextAt: Date?
    }

    var results: [Result]

    /// The report as text, one line each (see `AdminReport`).
    public var lines: [String] {
        results.map { result in
            switch result.outcome {
            case "cleaned": "account \(result.account): \(result.removed) expired record(s) removed"
            case "not due": "account \(result.account): not due (cache.checkEveryInSecs); next clean-up from \(result.nextAt.map(AdminJSON.time) ?? "?")"
            default: "account \(result.account): the cache is disabled (cache.enabled)"
            }
        }
    }
}
