/// A DM as Kiamo receives it: the body of each message of `kiamo.twitter.inbound`.
///
/// The first five fields are what the Kiamo connector's `fetch()` hands to
/// `ParameterBag::addMessage`, with the original sample's meaning: `createdAt` in integer Unix
/// seconds, `senderName` as `name@username`.
public struct KiamoMessage: Codable, Sendable, Hashable {
    /// The DM event id (also the AMQP `message_id`).
    public var id: String
    /// Unix time in seconds.
    public var createdAt: Int
    public var senderId: String
    public var senderName: String
    /// The text exactly as X returned it.
    public var content: String
    /// The X account the DM was sent to.
    public var accountId: String
    /// X's `dm_conversation_id` (`<smaller id>-<larger id>` for one-to-one conversations).
    public var conversationId: String
    public var attachments: [KiamoAttachment]

    public init(
        id: String, createdAt: Int, senderId: String, senderName: String, content: String,
        accountId: String, conversationId: String, attachments: [KiamoAttachment] = []
    ) {
        self.id = id
        self.createdAt = createdAt
        self.senderId = senderId
        self.senderName = senderName
        self.content = content
        self.accountId = accountId
        self.conversationId = conversationId
        self.attachments = attachments
    }
}

/// A media item of a DM: its type (`photo`, `video`, `animated_gif`) and where to fetch it.
///
/// With the media store on (`media.folder`), `url` is a signed link an agent opens without X's
/// credentials, and `status` says whether it works: `available` (with `contentType`, `size`,
/// `sha256`), `pending` (X did not hand it over in time; the link works once the background
/// fetch succeeds) or `unavailable` (`reason` says why; no link). Without it, the fields after
/// `mediaKey` are absent and `url` is X's.
public struct KiamoAttachment: Codable, Sendable, Hashable {
    public var type: String
    /// The media URL (for videos and GIFs, the preview image when X gives no direct URL); `nil` when X gave none.
    public var url: String?
    /// X's media key, for look-ups through the API.
    public var mediaKey: String?
    /// `available`, `pending` or `unavailable` (media store on only).
    public var status: String?
    /// Why the item is pending or unavailable.
    public var reason: String?
    /// The stored file's type (`image/jpeg`, ...).
    public var contentType: String?
    /// The stored file's size in bytes.
    public var size: Int?
    /// The SHA-256 of the stored file, lowercase hexadecimal.
    public var sha256: String?
    /// When the link stops working (Unix seconds).
    public var expiresAt: Int?

    public init(
        type: String, url: String?, mediaKey: String? = nil, status: String? = nil, reason: String? = nil, contentType: String? = nil,
        size: Int? = nil, sha256: String? = nil, expiresAt: Int? = nil
    ) {
        self.type = type
        self.url = url
        self.mediaKey = mediaKey
        self.status = status
        self.reason = reason
        self.contentType = contentType
        self.size = size
        self.sha256 = sha256
        self.expiresAt = expiresAt
    }
}
