import KiamoTwitter
import XAPI

/// `kiamo-twitter user` and numbered test 01: who the account is (`users/me`), or another user by
/// id or username, with the original's `buildUserRecord` form Kiamo shows as `senderName`.
public struct UserLookup: Sendable {
    /// Which user to look up.
    public enum Target: Sendable, Hashable {
        case me
        case id(String)
        case username(String)
    }

    let session: AdminSession
    let account: AccountConfiguration

    /// The operation for `account`, through `session`.
    public init(session: AdminSession, account: AccountConfiguration) {
        self.session = session
        self.account = account
    }

    /// Looks `target` up.
    public func run(_ target: Target) async throws -> UserReport {
        let client = try await session.client(for: account)
        let answer: XResponse<XUser>
        switch target {
        case .me: answer = try await client.me()
        case .id(let id): answer = try await client.user(id: id)
        case .username(let name): answer = try await client.user(username: name.hasPrefix("@") ? String(name.dropFirst()) : name)
        }
        let configuration = session.configuration
        let mapper = KiamoMessageMapper(accountId: account.userId, senderNameTemplate: configuration.ingest.senderNameTemplate)
        return UserReport(
            account: account.userId, user: answer.value, userRecord: mapper.buildUserRecord(answer.value),
            isAccount: answer.value.id == account.userId, rateLimit: answer.rateLimit)
    }
}
