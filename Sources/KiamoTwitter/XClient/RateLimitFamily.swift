import XAPI

/// The endpoint families X counts requests against, shared by every worker of an account
/// through the state store's budgets.
public enum RateLimitFamily: String, Sendable, CaseIterable {
    /// Every DM read (list, conversation events): 300 requests / 15 min in v2, 15 in v1.1.
    case dmRead = "dm_read"
    /// DM sends: 200 / 15 min and 1,000 / 24 h per user.
    case dmSend = "dm_send"
    /// User look-ups.
    case users
    /// Downloads of DM media (ingest with `media.folder`).
    case dmMedia = "dm_media"
    /// Uploads of media for replies (dispatch).
    case mediaUpload = "media_upload"

    public init(_ operation: XOperation) {
        switch operation {
        case .listDMEvents, .conversationEvents: self = .dmRead
        case .sendDM: self = .dmSend
        case .downloadDMMedia: self = .dmMedia
        case .uploadMedia: self = .mediaUpload
        default: self = .users
        }
    }
}
