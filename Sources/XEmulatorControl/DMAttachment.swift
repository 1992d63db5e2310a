/// Media attached to a DM the control API or a seed posts (a customer's photo, say): X would have
/// it uploaded already, so the emulator stores it as given and serves its bytes at the download
/// path its events point to (`GET /2/dm_conversations/media/:dm_id/:media_id/:resource_id`).
///
/// The bytes come from `data` (base64), or are generated to `bytes` in size (the format's
/// signature, then filler: a big video costs no memory), or, when neither is given, are a small
/// placeholder of the type's usual format, so callers that only describe the media still work.
public struct DMAttachment: Sendable, Equatable, Codable {
    /// `photo`, `video` or `animated_gif`.
    public var type: String
    /// The URL events show for it; absent, they show the emulator's download URL of its bytes.
    public var url: String?
    /// Width in pixels (read from the bytes of a PNG, GIF or JPEG when absent).
    public var width: Int?
    /// Height in pixels (read from the bytes of a PNG, GIF or JPEG when absent).
    public var height: Int?
    /// Alternative text.
    public var altText: String?
    /// The bytes, base64-encoded (standard alphabet, padding optional).
    public var data: String?
    /// The MIME type of the bytes: `image/jpeg`, `image/png`, `image/webp`, `image/gif` for a
    /// photo, `image/gif` for an animated GIF, `video/mp4` or `video/quicktime` for a video.
    /// Absent, it is read from `data`'s signature, or is the type's usual format (JPEG, GIF, MP4).
    public var contentType: String?
    /// A size to generate bytes of instead of giving `data` (at most X's DM limit of the type:
    /// 5 MB for a photo, 15 MB for a GIF, 512 MB for a video).
    public var bytes: Int?

    /// An attachment; the store refuses a type other than photo, video or animated_gif, and bytes
    /// that are not of an allowed format or are over X's size limit for the type.
    public init(
        type: String = "photo", url: String? = nil, width: Int? = nil, height: Int? = nil, altText: String? = nil,
        data: String? = nil, contentType: String? = nil, bytes: Int? = nil
    ) {
        self.type = type
        self.url = url
        self.width = width
        self.height = height
        self.altText = altText
        self.data = data
        self.contentType = contentType
        self.bytes = bytes
    }
}
