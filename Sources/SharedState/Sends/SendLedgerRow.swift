import Foundation

/// A send-ledger entry as both backends store it: one column each, times as milliseconds since
/// 1970, so the flattening of `SendState` into columns and back is written once.
struct SendLedgerRow: Sendable, Equatable {
    var state: String
    var owner: String?
    var since: Int64?
    var dmEventId: String?
    var conversationId: String?
    var reason: String?
    var finishedAt: Int64?
    var attempts: Int64
    var revision: Int64
    var createdAt: Int64
    var updatedAt: Int64
    var unverifiedSince: Int64?
    var reportedAt: Int64?
    var mediaId: String?
    var mediaUploadedAt: Int64?

    static func millis(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded())
    }

    static func date(_ millis: Int64) -> Date {
        Date(timeIntervalSince1970: Double(millis) / 1000)
    }

    init(
        state: String, owner: String?, since: Int64?, dmEventId: String?, conversationId: String?, reason: String?,
        finishedAt: Int64?, attempts: Int64, revision: Int64, createdAt: Int64, updatedAt: Int64,
        unverifiedSince: Int64?, reportedAt: Int64?, mediaId: String? = nil, mediaUploadedAt: Int64? = nil
    ) {
        self.state = state
        self.owner = owner
        self.since = since
        self.dmEventId = dmEventId
        self.conversationId = conversationId
        self.reason = reason
        self.finishedAt = finishedAt
        self.attempts = attempts
        self.revision = revision
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.unverifiedSince = unverifiedSince
        self.reportedAt = reportedAt
        self.mediaId = mediaId
        self.mediaUploadedAt = mediaUploadedAt
    }

    /// The columns of `entry`.
    init(_ entry: SendEntry) {
        var owner: String?, since: Int64?, dmEventId: String?, conversationId: String?, reason: String?, finishedAt: Int64?
        switch entry.state {
        case .pending:
            break
        case .inFlight(let holder, let start):
            owner = holder
            since = Self.millis(start)
        case .sent(let id, let conversation, let at):
            dmEventId = id
            conversationId = conversation
            finishedAt = Self.millis(at)
        case .failed(let why, let at):
            reason = why
            finishedAt = Self.millis(at)
        }
        self.init(
            state: entry.state.name, owner: owner, since: since, dmEventId: dmEventId, conversationId: conversationId,
            reason: reason, finishedAt: finishedAt, attempts: Int64(entry.attempts), revision: entry.revision,
            createdAt: Self.millis(entry.createdAt), updatedAt: Self.millis(entry.updatedAt),
            unverifiedSince: entry.unverifiedSince.map(Self.millis), reportedAt: entry.reportedAt.map(Self.millis),
            mediaId: entry.mediaId, mediaUploadedAt: entry.mediaUploadedAt.map(Self.millis))
    }

    /// The entry these columns hold for `key` of `account`.
    func entry(account: String, key: String) -> SendEntry {
        let sendState: SendState
        switch state {
        case "inFlight": sendState = .inFlight(owner: owner ?? "", since: Self.date(since ?? 0))
        case "sent": sendState = .sent(dmEventId: dmEventId ?? "", conversationId: conversationId, at: Self.date(finishedAt ?? 0))
        case "failed": sendState = .failed(reason: reason ?? "", at: Self.date(finishedAt ?? 0))
        default: sendState = .pending
        }
        return SendEntry(
            account: account, key: key, state: sendState, attempts: Int(attempts), revision: revision,
            createdAt: Self.date(createdAt), updatedAt: Self.date(updatedAt),
            unverifiedSince: unverifiedSince.map(Self.date), reportedAt: reportedAt.map(Self.date),
            mediaId: mediaId, mediaUploadedAt: mediaUploadedAt.map(Self.date)
        )
    }
}
