/// X's `media_category` values (the schema's enum) and what each allows, from X's media
/// documentation (best practices, size and duration limits for accounts without X Premium):
///
/// | category | formats | at most | processing |
/// |---|---|---|---|
/// | `tweet_image`, `dm_image` | JPEG, PNG, WEBP, GIF | 5 MB | none: usable once uploaded |
/// | `tweet_gif`, `dm_gif` | GIF | 15 MB | asynchronous when uploaded in chunks |
/// | `dm_video` | MP4, MOV | 512 MB | asynchronous |
/// | `tweet_video`, `amplify_video` | MP4, MOV | 8 GB | asynchronous |
///
/// MB here is 2^20 bytes, as X's upload limits count (5 MB = 5,242,880 bytes). `subtitles`
/// belongs to Posts' videos and is not emulated. Only the `dm_*` categories may go into a DM:
/// X checks the category again when the media is attached.
enum MediaCategory: String, Sendable, CaseIterable {
    case tweetImage = "tweet_image"
    case tweetGIF = "tweet_gif"
    case tweetVideo = "tweet_video"
    case amplifyVideo = "amplify_video"
    case dmImage = "dm_image"
    case dmGIF = "dm_gif"
    case dmVideo = "dm_video"
    case subtitles

    private static let megabyte: Int64 = 1 << 20

    /// The largest file X accepts in this category.
    var maximumBytes: Int64 {
        switch self {
        case .tweetImage, .dmImage: 5 * Self.megabyte
        case .tweetGIF, .dmGIF: 15 * Self.megabyte
        case .dmVideo: 512 * Self.megabyte
        case .tweetVideo, .amplifyVideo: 8 * 1024 * Self.megabyte
        case .subtitles: 0
        }
    }

    /// The formats X accepts in this category.
    var formats: [MediaFormat] {
        switch self {
        case .tweetImage, .dmImage: [.jpeg, .png, .webp, .gif]
        case .tweetGIF, .dmGIF: [.gif]
        case .tweetVideo, .amplifyVideo, .dmVideo: [.mp4, .quicktime]
        case .subtitles: []
        }
    }

    /// Whether a finalized chunked upload is processed before it can be used (`processing_info`).
    var isProcessedAsynchronously: Bool {
        switch self {
        case .tweetImage, .dmImage, .subtitles: false
        case .tweetGIF, .dmGIF, .tweetVideo, .amplifyVideo, .dmVideo: true
        }
    }

    /// Whether a DM may carry media of this category.
    var isForDirectMessages: Bool {
        [.dmImage, .dmGIF, .dmVideo].contains(self)
    }

    /// Whether it is a video category, which the one-request upload refuses.
    var isVideo: Bool {
        [.tweetVideo, .amplifyVideo, .dmVideo].contains(self)
    }

    /// X's media type of the result: `photo`, `animated_gif` or `video`.
    var mediaType: String {
        switch self {
        case .tweetImage, .dmImage, .subtitles: "photo"
        case .tweetGIF, .dmGIF: "animated_gif"
        case .tweetVideo, .amplifyVideo, .dmVideo: "video"
        }
    }

    /// The prefix of the media key (`3_` photos, `16_` GIFs, `7_` videos, `13_` amplify videos).
    var keyPrefix: String {
        switch self {
        case .amplifyVideo: "13"
        default: Self.keyPrefix(mediaType: mediaType)
        }
    }

    /// The DM category of a media type (`photo`, `animated_gif`, `video`): the limits of media a
    /// customer sends, as the control API and seeds post it.
    static func directMessage(mediaType: String) -> MediaCategory? {
        switch mediaType {
        case "photo": .dmImage
        case "animated_gif": .dmGIF
        case "video": .dmVideo
        default: nil
        }
    }

    /// What X assumes when an initialize names no category: the Post category of the media type.
    static func postCategory(forMediaType type: String) -> MediaCategory? {
        switch type {
        case "image/gif": .tweetGIF
        case let image where image.hasPrefix("image/"): .tweetImage
        case let video where video.hasPrefix("video/"): .tweetVideo
        default: nil
        }
    }

    /// The media key prefix X writes for a media type.
    static func keyPrefix(mediaType: String) -> String {
        switch mediaType {
        case "video": "7"
        case "animated_gif": "16"
        default: "3"
        }
    }
}
