/// A media item attached to a DM (v2 `includes.media`; v1.1 `message_data.attachment.media`).
public struct XMedia: Sendable, Hashable, Codable {
    /// The key events refer to in `mediaKeys` (v1.1: the media's `id_str`).
    public var mediaKey: String
    /// `photo`, `video`, `animated_gif`; empty when X did not say.
    public var type: String
    /// Where the media can be fetched (photos); `nil` for video, whose preview is in `previewImageURL`.
    public var url: String?
    /// A still image of a video or GIF, when X gives one.
    public var previewImageURL: String?

    /// A media item as the dialects map it.
    public init(mediaKey: String, type: String, url: String?, previewImageURL: String? = nil) {
        self.mediaKey = mediaKey
        self.type = type
        self.url = url
        self.previewImageURL = previewImageURL
    }
}
