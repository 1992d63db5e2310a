import Foundation

/// What `clean-cache` did per account.
public struct CacheCleaningReport: AdminReport {
    public struct Result: Sendable, Encodable {
        public var account: String
        /// `cleaned`, `not due` (a clean-up ran less than checkEveryInSecs ago) or `disabled`.
        public var outcome: String
        public var removed: Int
        public var nextAt: Date?
    }

    public var results: [Result]

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
