/// The groups of endpoints X counts requests against together, per user.
public enum EndpointFamily: String, Sendable, CaseIterable, Codable, Hashable {
    /// Every v2 DM GET endpoint (300 / 15 min).
    case dmRead = "dm-read"
    /// The v2 DM sends (200 / 15 min and 1,000 / 24 h).
    case dmSend = "dm-send"
    /// `GET /2/users/me` (75 / 15 min).
    case usersMe = "users-me"
    /// The other v2 user look-ups (900 / 15 min).
    case userLookup = "user-lookup"
    /// `GET /1.1/direct_messages/events/list.json` (15 / 15 min).
    case v1EventsList = "v1-events-list"
    /// `GET /1.1/direct_messages/events/show.json` (15 / 15 min).
    case v1EventsShow = "v1-events-show"
    /// `POST /1.1/direct_messages/events/new.json` (1,000 / 24 h).
    case v1EventsNew = "v1-events-new"
    /// `GET /1.1/users/show.json` (900 / 15 min).
    case v1UsersShow = "v1-users-show"
    /// `GET /2/dm_conversations/media/:dm_id/:media_id/:resource_id` (X documents no limit; the
    /// emulator counts 900 / 15 min, so a client still meets one and paces by its headers).
    case dmMediaDownload = "dm-media-download"
    /// `POST /2/media/upload`, a file in one request (500 / 15 min).
    case mediaUpload = "media-upload"
    /// `GET /2/media/upload?command=STATUS` (1,000 / 15 min).
    case mediaUploadStatus = "media-upload-status"
    /// `POST /2/media/upload/initialize` (1,875 / 15 min).
    case mediaUploadInit = "media-upload-init"
    /// `POST /2/media/upload/:id/append` (1,875 / 15 min).
    case mediaUploadAppend = "media-upload-append"
    /// `POST /2/media/upload/:id/finalize` (1,875 / 15 min).
    case mediaUploadFinalize = "media-upload-finalize"
}
