import Foundation
import KiamoTwitter
import SharedState
import XAPI

/// `kiamo-twitter read` and numbered test 02: the account's DMs as X lists them and as Kiamo
/// would receive them.
///
/// Reads the newest page, or with `since` pages back until it passes that id (at most `maxPages`).
/// Senders come from the page (v2), the shared cache, or one look-up each (v1.1). Nothing is
/// written unless `commit`: then the messages shown are recorded in the inbound ledger and the
/// cursor moves past the newest event read, in one step, so ingest will not publish them.
public struct MessageReader: Sendable {
    let session: AdminSession
    let account: AccountConfiguration

    /// The operation for `account`, through `session`.
    public init(session: AdminSession, account: AccountConfiguration) {
        self.session = session
        self.account = account
    }

    /// Reads (see the type); `progress` hears each page when paging back to `since`.
    public func run(since: String?, maxPages: Int, commit: Bool, progress: @Sendable (String) -> Void = { _ in }) async throws -> ReadReport {
        let floor: UInt64?
        if let since {
            guard let id = Snowflake.parse(since) else { throw AdminError.usage("--since '\(since.prefix(40))' is not a DM event id (a 64-bit number)") }
            floor = id
        } else {
            floor = nil
        }
        guard maxPages >= 1 else { throw AdminError.usage("--max-pages must be at least 1") }
        let configuration = session.configuration
        let client = try await session.client(for: account)
        let state = try await session.state()
        let cursorBefore = try await state.cursor(account: account.userId)

        var events: [DMEvent] = []
        var users: [String: XUser] = [:]
        var media: [XMedia] = []
        var pages = 0
        var undecodable: [UndecodableEvent] = []
        var token: String?
        repeat {
            let page = try await client.listDMEvents(pageToken: token, maxResults: configuration.ingest.paginationCount)
            pages += 1
            events += page.events
            undecodable += page.undecodable
            media += page.media
            for user in page.users { users[user.id] = user }
            token = page.nextToken
            if floor != nil { progress("page \(pages): \(page.events.count) events") }
            let oldest = page.events.compactMap { Snowflake.parse($0.id) }.min()
            guard let floor, let oldest, oldest > floor, token != nil, pages < maxPages else { break }
        } while true
        if let floor { events = events.filter { (Snowflake.parse($0.id) ?? 0) > floor } }

        let mapper = KiamoMessageMapper(accountId: account.userId, senderNameTemplate: configuration.ingest.senderNameTemplate)
        var lookups = 0
        for event in events where mapper.skipReason(event) == nil {
            guard let sender = event.senderId, users[sender] == nil else { continue }
            if let cached = try await state.getFromCache(account: account.userId, userId: sender) {
                users[sender] = XUser(cached)
            } else if let found = try? await client.user(id: sender).value {
                users[sender] = found
                lookups += 1
            }
        }
        let mapped = MappedEvents(events: events, senders: users, media: media, mapper: mapper, undecodable: undecodable)

        var cursorAfter = cursorBefore
        if commit {
            let newest = events.compactMap { Snowflake.parse($0.id) }.max().map(String.init)
            cursorAfter = try await state.commitInbound(account: account.userId, publishedIds: mapped.messages.map(\.id), cursor: newest)
        }
        return ReadReport(
            account: account.userId, apiVersion: client.apiVersion.rawValue, pages: pages, since: since, userLookups: lookups,
            events: events, users: users.values.sorted { $0.id < $1.id }, messages: mapped.messages, skipped: mapped.skipped,
            cursorBefore: cursorBefore, cursorAfter: cursorAfter, committed: commit
        )
    }
}
