import Foundation
import SharedState

/// `kiamo-twitter state show | export | clean-cache` and numbered test 06: the shared state read
/// (tokens masked), written as the original's debug resource files, or its cache cleaned.
public struct StateInspection: Sendable {
    public let session: AdminSession

    public init(session: AdminSession) {
        self.session = session
    }

    public func show() async throws -> StateReport {
        let configuration = session.configuration
        let snapshot = try await session.state(mustExist: true).debugSnapshot()
        let accounts = snapshot.accounts.map { account in
            StateReport.Account(account: account.account, configured: configuration.account(account.account) != nil, token: account.token,
                                cursor: account.cursor, cursorUpdatedAt: account.cursorUpdatedAt,
                                cachedUsers: account.users.count, cachedConversations: account.conversations.count)
        }
        return StateReport(stateURL: ConfigurationReport.maskedURL(configuration.state.url.reveal()), cache: snapshot.cache,
                           accounts: accounts, takenAt: snapshot.takenAt)
    }

    public func export(to folder: String) async throws -> FilesReport {
        let configuration = session.configuration
        let snapshot = try await session.state(mustExist: true).debugSnapshot()
        let written = try await StateDebugExport.write(snapshot, connector: configuration.service, to: URL(fileURLWithPath: folder))
        return FilesReport(action: "export", files: written.map(\.path))
    }

    public func cleanCache(account only: String?) async throws -> CacheCleaningReport {
        let configuration = session.configuration
        let state = try await session.state(mustExist: true)
        var results: [CacheCleaningReport.Result] = []
        for account in configuration.accounts where only == nil || only == account.userId {
            switch try await state.cleanCache(account: account.userId) {
            case .cleaned(let removed): results.append(.init(account: account.userId, outcome: "cleaned", removed: removed, nextAt: nil))
            case .notDue(let next): results.append(.init(account: account.userId, outcome: "not due", removed: 0, nextAt: next))
            case .disabled: results.append(.init(account: account.userId, outcome: "disabled", removed: 0, nextAt: nil))
            }
        }
        return CacheCleaningReport(results: results)
    }
}

/// The state store's content at a glance.
public struct StateReport: AdminReport {
    public struct Account: Sendable, Encodable {
        public var account: String
        /// False for an account found in the store but not in this configuration.
        public var configured: Bool
        /// Masked: never the tokens themselves.
        public var token: TokenSummary?
        public var cursor: String?
        public var cursorUpdatedAt: Date?
        public var cachedUsers: Int
        public var cachedConversations: Int
    }

    public var stateURL: String
    public var cache: CachePolicy
    public var accounts: [Account]
    public var takenAt: Date

    public var lines: [String] {
        var lines = ["state \(stateURL)",
                     "cache: \(cache.enabled ? "on" : "off"), checkEveryInSecs \(cache.checkEveryInSecs), expirationInSecs \(cache.expirationInSecs)"]
        if accounts.isEmpty { lines.append("no account has state yet") }
        for account in accounts {
            lines.append("account \(account.account)\(account.configured ? "" : " (not in this configuration)")")
            lines.append("  cursor (lastReadMessageId): \(account.cursor ?? "none")\(account.cursorUpdatedAt.map { ", moved \(AdminJSON.time($0))" } ?? "")")
            if let token = account.token {
                lines.append("  token: access \(token.accessToken), refresh \(token.refreshToken ?? "none"), version \(token.version), expires \(AdminJSON.time(token.expiresAt))")
            }
            lines.append("  cache: \(account.cachedUsers) user(s), \(account.cachedConversations) conversation(s)")
        }
        return lines
    }
}

/// Files written.
public struct FilesReport: AdminReport {
    public var action: String
    public var files: [String]
    public var lines: [String] { files.map { "wrote \($0)" } }
}

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
