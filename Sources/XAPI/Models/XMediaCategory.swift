/// X's media categories for DMs: the category decides X's limits and processing.
public enum XMediaCategory: String, Sendable, Hashable, CaseIterable {
    /// JPEG, PNG, WebP, GIF (as a still) up to 5 MB.
    case dmImage = "dm_image"
    /// Animated GIF up to 15 MB.
    case dmGif = "dm_gif"
    /// MP4 or MOV up to 512 MB.
    case dmVideo = "dm_video"

    /// The largest file X takes in the category.
    public var maxBytes: Int {
        switch self {
        case .dmImage: 5 * 1024 * 1024
        case .dmGif: 15 * 1024 * 1024
        case .dmVideo: 512 * 1024 * 1024
        }
    }

    /// The category of a file of `mediaType` (`image/jpeg`, ...), or nil when X's DMs do not
    /// carry that type.
    public init?(mediaType: String) {
        switch mediaType {
        case "image/jpeg", "image/png", "image/webp": self = .dmImage
        case "image/gif": self = .dmGif
        case "video/mp4", "video/quicktime": self = .dmVideo
        default: return nil
        }
    }
}
