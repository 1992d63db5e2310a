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
    /// A video's or GIF's files (v2 `variants`, v1.1 `video_info.variants`).
    public var variants: [Variant]

    /// One file of a video or GIF.
    public struct Variant: Sendable, Hashable, Codable {
        public var url: String
        public var contentType: String?
        public var bitRate: Int?

        public init(url: String, contentType: String? = nil, bitRate: Int? = nil) {
            self.url = url
            self.contentType = contentType
            self.bitRate = bitRate
        }
    }

    /// A media item as the dialects map it.
    public init(mediaKey: String, type: String, url: String?, previewImageURL: String? = nil, variants: [Variant] = []) {
        self.mediaKey = mediaKey
        self.type = type
        self.url = url
        self.previewImageURL = previewImageURL
        self.variants = variants
    }

    /// Where the item's own file is: a photo's `url`, a video's or GIF's best MP4 variant (the
    /// highest bit rate; a streaming playlist is no file), else its first variant.
    public var fileURL: String? {
        if type == "photo" || variants.isEmpty { return url }
        let files = variants.filter { $0.contentType != "application/x-mpegURL" }
        return (files.max { ($0.bitRate ?? 0) < ($1.bitRate ?? 0) } ?? variants.first)?.url
    }
}
