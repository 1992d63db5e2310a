import Foundation
import KiamoTwitter
import SharedState

/// `kiamo-twitter state show | export | clean-cache` and numbered test 06: the shared state read
/// (tokens masked), written as the original's debug resource files, or its cache cleaned.
public struct StateInspection: Sendable {
    let session: AdminSession

    /// The operation, through `session` (which opens what it needs on first use).
    public init(session: AdminSession) {
        self.session = session
    }

    /// Every account in the store, masked; the file must exist.
    public func show() async throws -> StateReport {
        let configuration = session.configuration
        let snapshot = try await session.state(mustExist: true).debugSnapshot()
        let accounts = snapshot.accounts.map { account in
            StateReport.Account(
                account: account.account, configured: configuration.account(account.account) != nil, token: account.token,
                cursor: account.cursor, cursorUpdatedAt: account.cursorUpdatedAt,
                cachedUsers: account.users.count, cachedConversations: account.conversations.count)
        }
        return StateReport(
            stateURL: ConfigurationReport.maskedURL(configuration.state.url.reveal()), cache: snapshot.cache,
            accounts: accounts, takenAt: snapshot.takenAt)
    }

    /// Writes the four resource files into `folder` (created when missing).
    public func export(to folder: String) async throws -> FilesReport {
        let configuration = session.configuration
        let snapshot = try await session.state(mustExist: true).debugSnapshot()
        let written = try await StateDebugExport.write(snapshot, connector: configuration.service, to: URL(fileURLWithPath: folder))
        return FilesReport(action: "export", files: written.map(\.path))
    }

    /// Cleans each configured account's cache (or `only`'s), when due.
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
