import Foundation

/// One send command in the send ledger, keyed by its idempotency key (the command id).
public struct SendEntry: Sendable, Hashable {
    /// The account the command posts from.
    public var account: String
    /// The idempotency key (the command id).
    public var key: String
    /// Where the command is in its life.
    public var state: SendState
    /// How many times a worker claimed it (the delivery report's `attempts`).
    public var attempts: Int
    /// Incremented by every transition; compare-and-set writes check it, so a transition decided
    /// on a stale read never applies.
    public var revision: Int64
    /// When the ledger first saw the command.
    public var createdAt: Date
    /// The last transition; retention counts from it.
    public var updatedAt: Date
    /// A post of this command may have reached X at or after this time and no look in the
    /// conversation has ruled it out since (a request timed out, the connection to X dropped, or
    /// a post was under way when its claim was handed back). Whoever claims the command next, in
    /// any process, looks for the DM before posting. Nil: no post of it can be at X unrecorded.
    public var unverifiedSince: Date?
    /// When the `sent` report of the command (recorded on its last part) was confirmed by the
    /// broker; a later delivery of the command is acknowledged without another report.
    public var reportedAt: Date?
    /// The media X gave for this command's attachment (uploaded by the account), recorded before
    /// the post: a later attempt posts with it instead of uploading again, so a redelivery
    /// between upload and post costs no second upload. Nil: none uploaded yet (or no attachment).
    public var mediaId: String?
    /// When `mediaId` was uploaded: X lets a DM use an upload for a day only.
    public var mediaUploadedAt: Date?

    /// An entry as stored.
    public init(
        account: String, key: String, state: SendState, attempts: Int, revision: Int64, createdAt: Date, updatedAt: Date,
        unverifiedSince: Date? = nil, reportedAt: Date? = nil, mediaId: String? = nil, mediaUploadedAt: Date? = nil
    ) {
        self.account = account
        self.key = key
        self.state = state
        self.attempts = attempts
        self.revision = revision
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.unverifiedSince = unverifiedSince
        self.reportedAt = reportedAt
        self.mediaId = mediaId
        self.mediaUploadedAt = mediaUploadedAt
    }
}
